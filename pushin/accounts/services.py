"""Changes to user accounts, made by the district administrator. Each is atomic and audited."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, Role, User
from pushin.accounts.passwords import LinkKind, password_link_queue
from pushin.district.models import District, Provider
from pushin.planning.services import calendar_token_regenerate


def _provider_profile_set(
    *, user: User, district: District, discipline: str, supervisor: Provider | None
) -> Provider:
    """Create or update the Provider profile; the model's rules (assistants need a supervisor)."""
    profile = Provider.objects.filter(user=user).first() or Provider(user=user, district=district)
    profile.discipline = discipline
    profile.supervisor = supervisor
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


def _calendar_address_rotate(*, actor: User, user: User) -> None:
    """A new secret calendar address for a provider who was deactivated or changed role:
    a phone or shared calendar subscribed to the old one stops receiving the schedule. A
    feed that was off stays off."""
    provider = Provider.objects.filter(user=user).exclude(calendar_token="").first()
    if provider is not None:
        calendar_token_regenerate(provider=provider, user=actor)


@transaction.atomic
def user_create(
    *,
    actor: User,
    district: District,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    invite_base_url: str,
    discipline: str = "",
    supervisor: Provider | None = None,
) -> User:
    """A new account in `district`, with no usable password: its owner chooses one from
    the invitation e-mailed once the account is committed (links start with
    `invite_base_url`, pushin/accounts/passwords.py). A provider also gets
    their Provider profile."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the listed roles."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "A user with that username already exists."})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        district=district,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if role == Role.PROVIDER:
        if not discipline:
            raise ValidationError({"discipline": "Choose the provider's discipline."})
        _provider_profile_set(
            user=user, district=district, discipline=discipline, supervisor=supervisor
        )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user, detail={"role": role})
    password_link_queue(user=user, kind=LinkKind.INVITE, base_url=invite_base_url)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
    discipline: str = "",
    supervisor: Provider | None = None,
) -> User:
    """Change who someone is and what they may do. Nobody demotes or deactivates themself."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the listed roles."})
    before = User.objects.get(pk=user.pk)
    if user.pk == actor.pk and (role != before.role or not is_active):
        raise ValidationError(
            "You cannot change your own role or deactivate your own account; "
            "ask another administrator."
        )
    changed = [
        name
        for name, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("email", email),
            ("role", role),
            ("is_active", is_active),
        )
        if getattr(before, name) != value
    ]
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.role, user.is_active = role, is_active
    user.full_clean(exclude=["password"])
    user.save()
    if role != before.role or (before.is_active and not is_active):
        _calendar_address_rotate(actor=actor, user=user)
    if role == Role.PROVIDER:
        if not discipline:
            raise ValidationError({"discipline": "Choose the provider's discipline."})
        district = user.district
        assert district is not None
        _provider_profile_set(
            user=user, district=district, discipline=discipline, supervisor=supervisor
        )
        changed.append("provider_profile")
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, detail={"fields": changed})
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Lift a django-axes lockout: forget the failed sign-ins held against the username."""
    removed = int(axes_reset(username=user.username))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        detail={"unlocked": True, "attempts_removed": removed},
    )
    return removed
