from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from pushin.accounts.models import Role, User
from pushin.district.models import District, Provider
from pushin.vocabulary import Discipline


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields else None
        if name == NON_FIELD_ERRORS:
            target = None
        form.add_error(target, messages)


class SupervisorChoiceField(forms.ModelChoiceField[Provider]):
    def label_from_instance(self, obj: Provider) -> str:
        return f"{obj.user.display_name} ({obj.discipline})"


class ProviderFieldsMixin(forms.Form):
    """Discipline and supervisor of a provider's profile (used when the role is provider)."""

    discipline = forms.ChoiceField(
        choices=[("", "---------"), *Discipline.choices],
        required=False,
        help_text="Required for a provider.",
    )
    supervisor = SupervisorChoiceField(
        queryset=Provider.objects.none(),
        required=False,
        help_text="Required for an assistant (COTA, PTA, SLPA).",
    )

    def _limit_supervisors(self, district: District, exclude_user: User | None = None) -> None:
        supervisors = Provider.objects.filter(district=district).select_related("user")
        if exclude_user is not None:
            supervisors = supervisors.exclude(user=exclude_user)
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]

    def _check_provider_fields(self, role: str | None) -> None:
        if role == Role.PROVIDER and not self.cleaned_data.get("discipline"):
            self.add_error("discipline", "Choose the provider's discipline.")


class UserCreateForm(ProviderFieldsMixin, forms.ModelForm[User]):
    """A new account: who and which role. No password: its owner is invited by e-mail to
    choose one (pushin/accounts/passwords.py)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role"]

    def __init__(self, district: District, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "The invitation to choose a password goes here."
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self._limit_supervisors(district)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        self._check_provider_fields(cleaned.get("role"))
        return cleaned


class UserEditForm(ProviderFieldsMixin, forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "is_active"]
        labels = {"is_active": "Active (may sign in)"}

    def __init__(self, district: District, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_supervisors(district, exclude_user=self.instance)
        profile = Provider.objects.filter(user=self.instance).first()
        if profile is not None and not self.is_bound:
            self.initial.setdefault("discipline", profile.discipline)
            self.initial.setdefault("supervisor", profile.supervisor_id)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        self._check_provider_fields(cleaned.get("role"))
        return cleaned
