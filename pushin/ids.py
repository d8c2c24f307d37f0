"""Opaque public ids: what a URL carries instead of a row's primary key.

A keyed permutation of the 64-bit numbers (a 4-round Feistel network whose round
function is HMAC-SHA256, Luby-Rackoff) turns a pk into 13 lowercase base32 characters and
back. Without the key, neighbouring pks give unrelated strings and no string can be made
up that names a row; primary and foreign keys stay as they are.

The key is PUSHIN_ID_KEY, or when that is empty, derived from SECRET_KEY: changing it
changes every URL (bookmarks and links in old e-mails stop working; docs/privacy.md).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.db.models import Model
from django.urls import reverse

_HALF_BITS = 32
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 4
# Primary keys are signed 64-bit (BigAutoField); anything past that is no row's id, and
# handing it to the database would overflow rather than find nothing.
PK_LIMIT = 1 << 63
LENGTH = 13  # 64 bits in base32, without padding
PATTERN = f"[a-z2-7]{{{LENGTH}}}"
_FULL = re.compile(PATTERN)
_SALT = b"pushin.ids.v1"

_M = TypeVar("_M", bound=Model)


@functools.lru_cache(maxsize=4)
def _rounds(secret: str) -> tuple[Any, ...]:
    """One HMAC per round, keyed once (copied per use: keying costs more than hashing)."""
    key = hmac.new(secret.encode(), _SALT, hashlib.sha256).digest()
    return tuple(hmac.new(key, bytes([i]), hashlib.sha256) for i in range(_ROUNDS))


def _secret() -> str:
    return str(getattr(settings, "PUSHIN_ID_KEY", "") or settings.SECRET_KEY)


def _f(mac: Any, half: int) -> int:
    h = mac.copy()
    h.update(half.to_bytes(4, "big"))
    return int.from_bytes(h.digest()[:4], "big")


def _permute(value: int, rounds: tuple[Any, ...], *, inverse: bool) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    if not inverse:
        for mac in rounds:
            left, right = right, left ^ _f(mac, right)
    else:
        for mac in reversed(rounds):
            left, right = right ^ _f(mac, left), left
    return (left << _HALF_BITS) | right


def encode_id(pk: int) -> str:
    """The public id of a primary key (0 <= pk < 2**63)."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 <= pk < PK_LIMIT:
        raise ValueError("not a primary key")
    return _encoded(pk, _secret())


@functools.lru_cache(maxsize=65536)
def _encoded(pk: int, secret: str) -> str:
    # A page links to hundreds of rows: each id is worked out once per worker.
    mixed = _permute(pk, _rounds(secret), inverse=False)
    return base64.b32encode(mixed.to_bytes(8, "big")).decode().rstrip("=").lower()


def decode_id(text: str) -> int:
    """The primary key a public id names; ValueError for anything encode_id did not make."""
    if not isinstance(text, str) or not _FULL.fullmatch(text):
        raise ValueError("not a public id")
    raw = base64.b32decode(text.upper() + "===")
    pk = _permute(int.from_bytes(raw, "big"), _rounds(_secret()), inverse=True)
    # The 13th character carries one bit of padding: only its zero form is canonical, so
    # each pk has exactly one public id.
    if not 0 <= pk < PK_LIMIT or encode_id(pk) != text:
        raise ValueError("not a public id")
    return pk


def reverse_each(viewname: str, *args: int) -> Callable[[int], str]:
    """`reverse(viewname, args=[*args, pk])` as a function of the last pk: the route is
    resolved once, each row only encodes its id (a table of rows each linking to its own
    page would otherwise reverse the route once a row)."""
    marker = encode_id(0)  # no row's pk, and 13 random-looking letters no route spells
    head, found, tail = reverse(viewname, args=[*args, 0]).rpartition(marker)
    if not found:
        raise ValueError(f"{viewname}: its last argument is not an opaque id")
    return lambda pk: f"{head}{encode_id(pk)}{tail}"


class OpaqueIdConverter:
    """`<pid:pk>`: the view gets the int, reverse() and {% url %} take the int."""

    regex = PATTERN

    def to_python(self, value: str) -> int:
        return decode_id(value)  # ValueError: the pattern does not match, so a 404

    def to_url(self, value: int | str) -> str:
        return encode_id(int(value))


class OpaqueModelChoiceField(forms.ModelChoiceField[_M]):
    """A choice of row whose option values are public ids (for forms sent by GET, whose
    values end up in the URL)."""

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "_meta"):
            return encode_id(value.pk)
        if isinstance(value, int) and not isinstance(value, bool):
            return encode_id(value)
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            try:
                value = decode_id(value)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super().to_python(value)
