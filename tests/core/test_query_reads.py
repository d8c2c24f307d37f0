"""The walk's note of what a page reads from its query string (tests/core/query_reads.py),
on which the crafted dates' choice of pages rests."""

from __future__ import annotations

from django.http import QueryDict
from django.test import RequestFactory

from tests.core.query_reads import EVERY_KEY, noting_query_reads


def test_reading_one_key_notes_that_key() -> None:
    with noting_query_reads() as reads:
        request = RequestFactory().get("/today/?date=2026-12-02&page=2")
        assert request.GET.get("date") == "2026-12-02"
        assert "week" not in request.GET
        assert request.GET.getlist("on") == []
        assert reads.keys == {"date", "week", "on"}
        assert reads.any_of(["date"])
        assert not reads.any_of(["start", "end"])


def test_any_other_use_may_read_every_key() -> None:
    uses = [
        lambda query: query or None,  # a form bound only when the query string has something
        lambda query: list(query),
        lambda query: query.items(),
        lambda query: query.urlencode(),
        lambda query: query.copy(),
    ]
    with noting_query_reads() as reads:
        for use in uses:
            reads.clear()
            use(RequestFactory().get("/today/").GET)
            assert reads.keys == {EVERY_KEY}
            assert reads.any_of(["start"])


def test_a_copy_notes_what_is_read_of_it() -> None:
    with noting_query_reads() as reads:
        query = RequestFactory().get("/lessons/new/?week=2026-12-07").GET.copy()
        reads.clear()
        query.get("week")
        assert reads.keys == {"week"}


def test_outside_the_walk_request_get_is_django_s_own() -> None:
    with noting_query_reads():
        pass
    query = RequestFactory().get("/today/?date=2026-12-02").GET
    assert type(query) is QueryDict
