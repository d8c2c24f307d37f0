"""Passwords known only to their owner: set-your-password links by e-mail.

Nobody but the person chooses or sees their password. A new account starts with no usable
password and its owner is invited by e-mail to set one; a forgotten password is reset the
same way; an administrator may send a reset link but never sets a password.

A link carries Django's password-reset token (`default_token_generator`): it is bound to
the account's current password hash and last sign-in, so it works once, and it expires
after `PASSWORD_RESET_TIMEOUT` seconds. The e-mail goes out on the task queue like the
follow-ups (pushin/accounts/tasks.py); the token is made by the worker, so it is never
stored in the queue's table. A reset request answers the same whether or not the address
belongs to anyone (no account enumeration), and sends nothing for an unknown or inactive
address.
"""

from __future__ import annotations

import functools
from enum import StrEnum

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User


class LinkKind(StrEnum):
    INVITE = "invite"  # a new account: set your password
    RESET = "reset"  # a forgotten password, or an administrator's reset link


def password_link(*, user: User, base_url: str) -> str:
    """The absolute set-your-password link for `user` (a fresh token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password:set", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def _enqueue(user_id: int, kind: LinkKind, base_url: str) -> None:
    from pushin.accounts.tasks import password_link_send

    password_link_send.enqueue(user_id, str(kind), base_url)


def password_link_queue(*, user: User, kind: LinkKind, base_url: str) -> None:
    """E-mail `user` a set-your-password link once the current transaction commits."""
    transaction.on_commit(functools.partial(_enqueue, user.pk, kind, base_url))


def password_reset_request(*, email: str, base_url: str) -> int:
    """Send a reset link to each active account with `email`. Returns how many were sent
    (for tests and logs only: the person asking is told the same thing either way)."""
    email = email.strip()
    if not email:
        return 0
    users = list(User.objects.filter(email__iexact=email, is_active=True))
    for user in users:
        password_link_queue(user=user, kind=LinkKind.RESET, base_url=base_url)
    return len(users)


def password_reset_send(*, actor: User, user: User, base_url: str) -> None:
    """An administrator sends `user` a reset link (the password itself stays theirs)."""
    password_link_queue(user=user, kind=LinkKind.RESET, base_url=base_url)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, detail={"password_link": "sent"})
