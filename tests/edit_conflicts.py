"""Shared steps of the optimistic-locking tests (pushin/concurrency.py): two people, or
one person in two tabs, each with their own test client."""

from __future__ import annotations

import html
import re
from typing import Any

from django.test import Client

from pushin.accounts.models import User

HX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    """A client of its own (a second tab or a second person), signed in as `user`."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text(response: Any) -> str:
    """The response's HTML with entities read (the messages carry apostrophes)."""
    return html.unescape(str(response.content.decode()))


def drawn_version(page: str, action: str) -> str:
    """The version the form posting to `action` was drawn with."""
    form = re.search(rf'action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None, action
    version = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert version is not None, form.group(0)
    return version.group(1)
