"""Shared steps of the optimistic-locking tests (pushin/concurrency.py): two people, or
one person in two tabs, each with their own test client."""

from __future__ import annotations

import html
import re
from typing import Any

from django.test import Client

from pushin.accounts.models import User
from tests.signing_in import force_login

HX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    """A client of its own (a second tab or a second person), signed in as `user`."""
    client = Client()
    force_login(client, user)
    return client


def text(response: Any) -> str:
    """The response's HTML with entities read (the messages carry apostrophes)."""
    return html.unescape(str(response.content.decode()))


def drawn_version(page: str, action: str | None, name: str = "version") -> str:
    """The version the forms posting to `action` were drawn with (None: the forms with a
    field `name` that post back to the page). Every such form must carry it."""
    pattern = rf'action="{re.escape(action)}".*?</form>' if action else r"<form.*?</form>"
    forms = [f for f in re.findall(pattern, page, re.S) if action or f'name="{name}"' in f]
    assert forms, action
    versions = {re.findall(rf'name="{name}" value="(\d+)"', f)[0] for f in forms}
    assert len(versions) == 1, (action, versions)
    return str(versions.pop())
