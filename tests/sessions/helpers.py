"""Shared steps of the session view tests."""

from __future__ import annotations

from django.urls import reverse

from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user

__all__ = ["HTMX", "PERSONAS", "POST_EXPECTED", "is_login_redirect", "persona_user", "record_url"]

# Changing a session record: its provider only; everyone else gets a 404.
POST_EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def record_url(name: str, record) -> str:
    return reverse(f"sessions:{name}", args=[record.session_id, record.pk])
