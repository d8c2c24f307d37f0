"""The seven personas every permission test walks through."""

from __future__ import annotations

from django.http import HttpResponse

from pushin.accounts.models import User
from pushin.district.models import Provider
from tests.factories import World

PERSONAS = ["provider", "other_provider", "teacher", "other_teacher", "para", "admin", "anonymous"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def persona_user(world: World, name: str) -> User | None:
    if name == "anonymous":
        return None
    person = getattr(world, name)
    return person.user if isinstance(person, Provider) else person


def is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and str(response["Location"]).startswith("/login/")
