"""Public ids (pushin/ids.py): URLs carry opaque, keyed ids, never sequential primary keys."""

from __future__ import annotations

import base64
import contextlib
import importlib
import itertools
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from pushin import ids
from pushin.ids import PK_LIMIT, OpaqueIdConverter, decode_id, encode_id
from tests.core.test_get_never_writes import Walk, routes
from tests.core.test_settings import PRODUCTION_ENV
from tests.core.test_settings_hardening import _manage
from tests.factories import World

KEY = override_settings(PUSHIN_ID_KEY="k" * 40)

# --- encode_id / decode_id ---------------------------------------------------------------------


def test_round_trip_over_a_range() -> None:
    public = [encode_id(pk) for pk in range(5000)]
    assert [decode_id(text) for text in public] == list(range(5000))
    assert len(set(public)) == 5000
    assert all(re.fullmatch(r"[a-z2-7]{13}", text) for text in public)


@given(st.integers(min_value=0, max_value=PK_LIMIT - 1))
def test_round_trip_over_every_primary_key(pk: int) -> None:
    assert decode_id(encode_id(pk)) == pk


@given(st.text(max_size=20) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567", max_size=15))
def test_any_string_is_a_primary_key_or_a_value_error(text: str) -> None:
    try:
        pk = decode_id(text)
    except ValueError:
        return
    assert 0 <= pk < PK_LIMIT
    assert encode_id(pk) == text  # one public id per pk


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12",
        "1234567890123",  # digits 0, 1, 8 and 9 are not base32
        "NFCEUV6X6AGRW",  # upper case
        "abcdefghijkl",  # 12 characters
        "abcdefghijklmn",  # 14 characters
        "abcdefghijk=m",
        " abcdefghijklm",
        "abcdefghijkl\u00e9",
    ],
)
def test_malformed_input_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="not a public id"):
        decode_id(text)


def test_the_padding_bit_must_be_zero() -> None:
    text = encode_id(42)
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    odd = text[:-1] + alphabet[alphabet.index(text[-1]) | 1]  # the 65th bit set
    assert odd != text
    with pytest.raises(ValueError, match="not a public id"):
        decode_id(odd)


def test_a_string_naming_no_primary_key_is_a_value_error() -> None:
    # Half of the 64-bit space is past any BigAutoField: refused before the database sees it.
    mixed = ids._permute(PK_LIMIT + 7, ids._rounds(ids._secret()), inverse=False)
    text = base64.b32encode(mixed.to_bytes(8, "big")).decode().rstrip("=").lower()
    with pytest.raises(ValueError, match="not a public id"):
        decode_id(text)


@pytest.mark.parametrize("pk", [-1, PK_LIMIT, 1.0, "7", True, None])
def test_only_primary_keys_are_encoded(pk: Any) -> None:
    with pytest.raises(ValueError, match="not a primary key"):
        encode_id(pk)


def test_the_key_decides_the_ids() -> None:
    with override_settings(PUSHIN_ID_KEY="", SECRET_KEY="s" * 50):
        from_secret = [encode_id(pk) for pk in range(1, 50)]
    with override_settings(PUSHIN_ID_KEY="", SECRET_KEY="t" * 50):
        other_secret = [encode_id(pk) for pk in range(1, 50)]
    with override_settings(PUSHIN_ID_KEY="k" * 40, SECRET_KEY="s" * 50):
        own_key = [encode_id(pk) for pk in range(1, 50)]
    with override_settings(PUSHIN_ID_KEY="k" * 40, SECRET_KEY="t" * 50):
        own_key_rotated_secret = [encode_id(pk) for pk in range(1, 50)]
    assert not set(from_secret) & set(other_secret)
    assert not set(from_secret) & set(own_key)
    assert own_key == own_key_rotated_secret  # PUSHIN_ID_KEY keeps URLs across a rotation
    with override_settings(PUSHIN_ID_KEY="", SECRET_KEY="t" * 50):
        for pk, text in enumerate(from_secret, start=1):  # another key's id names no such row
            with contextlib.suppress(ValueError):
                assert decode_id(text) != pk


def test_production_refuses_a_short_id_key() -> None:
    short = _manage("check", env={**PRODUCTION_ENV, "PUSHIN_ID_KEY": "short"})
    assert short.returncode != 0
    assert "PUSHIN_ID_KEY, when set, must be 32+ random characters" in short.stderr
    assert _manage("check", env={**PRODUCTION_ENV, "PUSHIN_ID_KEY": "y" * 40}).returncode == 0


@KEY
def test_neighbouring_pks_give_unrelated_ids() -> None:
    public = [encode_id(pk) for pk in range(1, 1025)]
    # No shared prefix: with unrelated strings, about 1 in 32 neighbours share a first
    # character and 1 in 1024 the first two.
    first_shared = sum(a[0] == b[0] for a, b in itertools.pairwise(public))
    two_shared = sum(a[:2] == b[:2] for a, b in itertools.pairwise(public))
    assert first_shared < 1024 // 32 * 2
    assert two_shared <= 5
    assert len({text[0] for text in public}) == 32  # every first character is used
    # Every bit flips about half the time between neighbours (the 64 bits, not the padding).
    bits = [int.from_bytes(base64.b32decode(t.upper() + "==="), "big") for t in public]
    flips = [bin(a ^ b).count("1") for a, b in itertools.pairwise(bits)]
    assert 28 < sum(flips) / len(flips) < 36
    assert min(flips) > 10


def test_the_converter_decodes_paths_and_encodes_ints() -> None:
    converter = OpaqueIdConverter()
    assert converter.to_url(12) == encode_id(12)
    assert converter.to_python(encode_id(12)) == 12
    with pytest.raises(ValueError, match="not a public id"):
        converter.to_python("12")
    assert reverse("caseload:student", args=[12]) == f"/caseload/students/{encode_id(12)}/"


def test_reverse_each_gives_what_reverse_gives() -> None:
    change = ids.reverse_each("collaboration:block_change", 7)
    for pk in (0, 1, 12, 5000, PK_LIMIT - 1):
        assert change(pk) == reverse("collaboration:block_change", args=[7, pk])
    student = ids.reverse_each("caseload:student")
    assert student(12) == reverse("caseload:student", args=[12])
    with pytest.raises(NoReverseMatch):
        ids.reverse_each("collaboration:portal_home")  # takes no id


def test_no_route_takes_a_bare_integer() -> None:
    """A new `<int:pk>` would put a sequential id back in a URL: object ids are `<pid:...>`."""
    bare = [
        f"{route.key} ({route.pattern})"
        for route in routes()
        if not route.pattern.startswith("django-admin/") and "<int:" in route.pattern
    ]
    assert not bare, "Routes with <int:...>; use <pid:...>:\n" + "\n".join(bare)
    assert any("<pid:" in route.pattern for route in routes())


# --- Views ---------------------------------------------------------------------------------------


def test_a_sequential_id_in_a_url_is_a_404_and_the_public_one_works(world: World, login) -> None:
    client = login(world.provider.user)
    student = world.student.pk
    assert client.get(f"/caseload/students/{student}/").status_code == 404
    assert client.get(f"/caseload/students/{encode_id(student)}/").status_code == 200
    assert client.get(reverse("caseload:student", args=[student])).status_code == 200
    # Nor does another row's neighbour or made-up text reach anything but a 404.
    assert client.get(f"/caseload/students/{encode_id(student + 1000)}/").status_code == 404
    assert client.get("/caseload/students/aaaaaaaaaaaaa/").status_code == 404
    assert client.get("/caseload/students/77777777777777/").status_code == 404


def test_an_id_past_every_primary_key_is_a_404_not_an_overflow(world: World, login) -> None:
    mixed = ids._permute(PK_LIMIT + 7, ids._rounds(ids._secret()), inverse=False)
    text = base64.b32encode(mixed.to_bytes(8, "big")).decode().rstrip("=").lower()
    response = login(world.provider.user).get(f"/caseload/students/{text}/")
    assert response.status_code == 404


def test_the_caseload_filter_takes_public_ids_only(world: World, login) -> None:
    client = login(world.admin)
    page = client.get(reverse("caseload:list")).content.decode()
    assert f'<option value="{encode_id(world.school.pk)}">' in page
    assert f'<option value="{world.school.pk}">' not in page
    response = client.get(reverse("caseload:list"), {"school": world.school.pk})
    assert "not one of yours" in response.content.decode()
    chosen = client.get(reverse("caseload:list"), {"school": encode_id(world.school.pk)})
    assert "not one of yours" not in chosen.content.decode()
    assert f'<option value="{encode_id(world.school.pk)}" selected>' in chosen.content.decode()


def test_stored_notification_links_are_rewritten_by_the_migration() -> None:
    migration = importlib.import_module(
        "pushin.collaboration.migrations.0005_notification_links_public_ids"
    )
    before = "/planning/providers/12/?week=2026-11-30#changes"
    after = migration._rewrite(before, migration._INT_SEGMENT, migration._public)
    assert after == f"/planning/providers/{encode_id(12)}/?week=2026-11-30#changes"
    back = migration._rewrite(after, migration._PID_SEGMENT, migration._private)
    assert back == before
    assert migration._rewrite("https://example.com/1/", migration._INT_SEGMENT, str) == (
        "https://example.com/1/"
    )


# --- No page links to a bare primary key ---------------------------------------------------------

# Query parameters that are numbers, not rows: printable paper's grade, the audit trail's
# page, the imports' "show the example" flag.
NOT_IDS = {"grade", "page", "example"}


def bare_ids(url: str) -> list[str]:
    """The parts of a URL of our own that look like a sequential id."""
    parts = urlsplit(url.replace("&amp;", "&"))
    if parts.netloc or parts.scheme:
        return []
    found = [seg for seg in parts.path.split("/") if seg.isdigit()]
    found += [f"{k}={v}" for k, v in parse_qsl(parts.query) if v.isdigit() and k not in NOT_IDS]
    return found


def test_bare_ids_finds_numbers_in_paths_and_queries() -> None:
    assert bare_ids("/caseload/students/12/") == ["12"]
    assert bare_ids("/minutes/students/x/notice/?service=3&amp;grade=2") == ["service=3"]
    assert bare_ids(f"/caseload/students/{encode_id(12)}/?week=2026-11-30#record-4") == []


@pytest.mark.django_db  # the walk needs the test database set up
@pytest.mark.parametrize("persona", ["provider", "teacher", "para", "admin"])
def test_no_page_links_to_a_bare_id(walked: Walk, persona: str) -> None:
    """Every page of the walk (tests/core/conftest.py), its links and where it redirects."""
    found: list[str] = []
    pages = 0
    for visit in walked.visits:
        case = visit.case
        if visit.persona != persona or case.route.startswith("admin:"):
            continue  # the Django admin keeps its own URLs
        if not case.plain:
            continue  # one request per page is enough
        for url in visit.links:
            found += [f"{case.route}: {url}" for _ in bare_ids(url)]
        pages += visit.status == 200 and visit.page
    assert pages >= 5  # the walk saw real pages, not a wall of 404s (a para sees 7)
    assert not found, "Links with a sequential id:\n" + "\n".join(sorted(set(found)))
