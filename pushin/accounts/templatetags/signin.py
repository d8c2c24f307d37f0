from __future__ import annotations

from django import template

from pushin.accounts.oidc import sso_enabled, sso_label

register = template.Library()


@register.simple_tag
def sso_button() -> dict[str, object]:
    """Whether the sign-in page offers single sign-on, and what its button calls it."""
    return {"enabled": sso_enabled(), "label": sso_label()}
