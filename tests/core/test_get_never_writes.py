"""Reading never writes: every GET route, as every persona, leaves the database as it was.

The walk enumerates the URL configuration (every pattern, through every include, the
Django admin too), fills each pattern's arguments with ids from a world that has
something on every page (tests/core/rich_world.py), requests it with GET (and with the
query strings pages use to show other dates and weeks) as each persona, and compares
every table (row count and a hash of the rows; the rows themselves on a mismatch) before
and after. Reads are audited, so the audit log is left out, as are sign-in bookkeeping
(Django's sessions, django-axes, `User.last_login`).

A new route with arguments must be added to `ROUTE_ARGS`, or the walk fails naming it.
The walk is made once per test process (`walked`, tests/core/conftest.py) and also
records what each request showed, audited and linked to, for the checks of
test_read_audit_walk.py and test_public_ids.py.
Each request runs in a savepoint that is rolled back, so every request sees the same
world and a write is reported against the request that made it. To stay fast, the tables
are compared after every request that ran any statement other than a read or a write to
a left-out table (most requests run none; see `may_write`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Student
from pushin.collaboration.models import Notification
from pushin.district.models import Provider
from pushin.ids import encode_id
from tests.caseload.personas import PERSONAS
from tests.core.query_reads import noting_query_reads
from tests.core.rich_world import (
    BEFORE_ANY_SCHEDULE,
    LATER,
    NEXT_WEEK,
    PAST_MONDAY,
    RichWorld,
)
from tests.factories import World
from tests.signing_in import force_login

if TYPE_CHECKING:
    from tests.core.test_crafted_dates import CraftedWalk

# --- What the comparison leaves out ----------------------------------------------------------

# Reads are audited; sign-in writes sessions, django-axes bookkeeping and `last_login`.
SKIPPED_TABLES = {"accounts.AuditEntry", "sessions.Session"}
SKIPPED_APPS = {"axes"}
SKIPPED_FIELDS = {("accounts.User", "last_login")}


@dataclass(frozen=True)
class Table:
    label: str
    model: type[models.Model]
    fields: tuple[str, ...]

    def rows(self) -> list[tuple[Any, ...]]:
        manager = self.model._base_manager
        return list(manager.order_by("pk").values_list(*self.fields))


def tables() -> list[Table]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.label in SKIPPED_TABLES or meta.app_label in SKIPPED_APPS:
            continue
        if not meta.managed or meta.proxy:
            continue
        names = tuple(
            f.attname for f in meta.concrete_fields if (meta.label, f.name) not in SKIPPED_FIELDS
        )
        found.append(Table(meta.label, model, names))
    return found


Digest = dict[str, tuple[int, int]]


@dataclass
class Snapshot:
    """Every compared table: a row count and a hash of its rows, and the rows themselves
    (to say what changed when a hash differs)."""

    tables: list[Table]
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    digest: Digest = field(default_factory=dict)

    @classmethod
    def take(cls) -> Snapshot:
        snapshot = cls(tables())
        for table in snapshot.tables:
            rows = table.rows()
            snapshot.rows[table.label] = rows
            snapshot.digest[table.label] = _digest(rows)
        return snapshot

    def changes(self) -> list[str]:
        """What differs now from this snapshot, table by table ([] when nothing does)."""
        found = []
        for table in self.tables:
            rows = table.rows()
            if _digest(rows) != self.digest[table.label]:
                found.append(_describe(table, self.rows[table.label], rows))
        return found


def _digest(rows: list[tuple[Any, ...]]) -> tuple[int, int]:
    return len(rows), hash(repr(rows))


def _describe(table: Table, before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]) -> str:
    pk = table.fields.index(table.model._meta.pk.attname)
    old = {row[pk]: row for row in before}
    new = {row[pk]: row for row in after}
    added = [key for key in new if key not in old]
    removed = [key for key in old if key not in new]
    changed = []
    for key in new.keys() & old.keys():
        if new[key] != old[key]:
            fields = {
                name: (a, b)
                for name, a, b in zip(table.fields, old[key], new[key], strict=True)
                if a != b
            }
            changed.append(f"{key} {fields}")
    parts = []
    if added:
        parts.append(f"added {len(added)} (pk {sorted(added)[:5]})")
    if removed:
        parts.append(f"removed {len(removed)} (pk {sorted(removed)[:5]})")
    if changed:
        parts.append(f"changed {len(changed)}: " + "; ".join(sorted(changed)[:3]))
    return f"{table.label}: " + ", ".join(parts)


# --- Every route of the URL configuration ----------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the pattern itself when the route has no name
    pattern: str  # the full pattern, includes joined
    params: tuple[str, ...]
    named: bool
    admin_model: type[models.Model] | None  # the model of a Django admin page


def _params(pattern: Any) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    raise TypeError(f"unknown pattern type {type(pattern)!r}")


def _admin_model(route: str) -> type[models.Model] | None:
    for model in admin.site._registry:
        if route == f"{model._meta.app_label}/{model._meta.model_name}/":
            return model
    return None


def routes() -> list[Route]:
    def walk(
        entries: list[Any],
        prefix: str,
        namespace: str,
        params: tuple[str, ...],
        model: type[models.Model] | None,
    ) -> Iterator[Route]:
        for entry in entries:
            here = str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
                found = _admin_model(here) if inner == "admin" else None
                yield from walk(
                    entry.url_patterns,
                    prefix + here,
                    inner,
                    params + _params(entry.pattern),
                    found or model,
                )
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                yield Route(
                    key=name if entry.name else prefix + here,
                    pattern=prefix + here,
                    params=params + _params(entry.pattern),
                    named=bool(entry.name),
                    admin_model=model,
                )

    return list(walk(get_resolver().url_patterns, "", "", (), None))


# --- Filling each route's arguments with the world's ids -------------------------------------

Args = dict[str, Any]


# Route -> the argument sets to request it with. Every route with arguments must be here
# (the Django admin's are filled from the admin's model, below).
def reset_link_args(user: User, token: str = "") -> Args:
    """A set-your-password link's arguments for `user`: its valid token unless `token`."""
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": token or default_token_generator.make_token(user),
    }


ROUTE_ARGS: dict[str, Callable[[RichWorld], list[Args]]] = {
    "accounts:user_edit": lambda r: [{"pk": r.world.teacher.pk}, {"pk": r.provider.user.pk}],
    # A valid link, a used or forged one, and the form's own address (token in the session).
    "password:set": lambda r: [
        reset_link_args(r.world.teacher),
        reset_link_args(r.world.teacher, "cz1bad-0123456789abcdef"),
        reset_link_args(r.world.teacher, "set-password"),
    ],
    "district:timetable": lambda r: _rooms(r),
    "district:block_create": lambda r: _rooms(r),
    "district:block_edit": lambda r: [{"pk": r.world.classroom.pk, "block_pk": r.mon_block.pk}],
    "district:exception_create": lambda r: _rooms(r),
    "district:exception_delete": lambda r: [
        {"pk": r.world.classroom.pk, "exception_pk": r.exception.pk}
    ],
    "district:availability": lambda r: _providers(r),
    "caseload:student": lambda r: _students(r),
    "caseload:student_comfort": lambda r: _students(r),
    "caseload:mandate_amend": lambda r: [{"pk": r.world.student.pk, "service_pk": r.service.pk}],
    "caseload:goal_fit": lambda r: [{"pk": r.goal.pk}],
    "caseload:privacy_student": lambda r: _students(r),
    "caseload:privacy_export": lambda r: _students(r),
    "caseload:privacy_deactivate": lambda r: _students(r),
    "caseload:privacy_delete": lambda r: _students(r),
    "caseload:fit_cell": lambda r: [{"domain": "handwriting", "activity": "writing"}],
    "progress:student": lambda r: _students(r),
    "planning:run": lambda r: [{"pk": r.run.pk}, {"pk": r.queued_run.pk}],
    "planning:run_progress": lambda r: [{"pk": r.run.pk}, {"pk": r.queued_run.pk}],
    "planning:run_accept": lambda r: [{"pk": r.run.pk}],
    "planning:run_reject": lambda r: [{"pk": r.run.pk}],
    "planning:run_cancel": lambda r: [{"pk": r.queued_run.pk}],
    "planning:run_again": lambda r: [{"pk": r.run.pk}],
    "planning:run_accept_now": lambda r: [{"pk": r.queued_run.pk}],
    "planning:run_stop": lambda r: [{"pk": r.queued_run.pk}],
    "planning:run_improve": lambda r: [{"pk": r.run.pk}],
    "planning:provider": lambda r: _providers(r),
    "planning:schedule": lambda r: _providers(r),
    "planning:replan": lambda r: _providers(r),
    "planning:calendar": lambda r: _providers(r),
    "planning:session_move": lambda r: [{"pk": r.weekly.pk}],
    "planning:session_pin": lambda r: [{"pk": r.weekly.pk}],
    "planning:calendar_feed": lambda r: [
        {"token": r.provider.calendar_token},
        {"token": "x" * 40},
    ],
    "collaboration:strategy": lambda r: [{"pk": r.starter.pk}, {"pk": r.strategy.pk}],
    "collaboration:strategy_edit": lambda r: [{"pk": r.strategy.pk}],
    "collaboration:strategy_delete": lambda r: [{"pk": r.strategy.pk}],
    "collaboration:student_strategies": lambda r: _students(r),
    "collaboration:student_strategy_edit": lambda r: [{"pk": r.link.pk}],
    "collaboration:student_strategy_active": lambda r: [{"pk": r.link.pk}],
    "collaboration:strategy_use": lambda r: [{"pk": r.link.pk}],
    "collaboration:portal": lambda r: _rooms(r),
    "collaboration:report_dated": lambda r: _rooms(r),
    "collaboration:block_change": lambda r: [
        {"pk": r.world.classroom.pk, "block_pk": r.mon_block.pk}
    ],
    "collaboration:block_preference": lambda r: [
        {"pk": r.world.classroom.pk, "block_pk": r.mon_block.pk}
    ],
    "collaboration:notification_open": lambda r: [{"pk": r.notification.pk}],
    "followups:new": lambda r: [{"session_pk": r.logged.pk}, {"session_pk": r.ahead.pk}],
    "followups:detail": lambda r: [{"pk": r.draft.pk}, {"pk": r.sent.pk}],
    "followups:retry": lambda r: [{"pk": r.sent.pk}],
    "followups:discard": lambda r: [{"pk": r.draft.pk}],
    "followups:acknowledge": lambda r: [{"pk": r.sent.pk}],
    "followups:reply": lambda r: [{"pk": r.sent.pk}],
    "sessions:detail": lambda r: (
        [{"pk": s.pk} for s in (r.signed, r.missed, r.unlogged, r.logged, r.makeup, r.ahead)]
        + [{"pk": r.other_session.pk}]
    ),
    "sessions:sign": lambda r: [{"pk": r.logged.pk}],
    "sessions:call_off": lambda r: [{"pk": r.ahead.pk}, {"pk": r.unlogged.pk}],
    "sessions:call_off_undo": lambda r: [{"pk": r.ahead.pk}],
    "sessions:plan": lambda r: _record(r),
    "sessions:attendance": lambda r: _record(r),
    "sessions:data_add": lambda r: _record(r),
    "sessions:data_undo": lambda r: _record(r),
    "sessions:note": lambda r: _record(r),
    "minutes:provider": lambda r: _providers(r),
    "minutes:makeups": lambda r: _providers(r),
    "minutes:makeup_run": lambda r: [
        {"pk": r.provider.pk, "run_pk": r.makeup_run.pk},
        {"pk": r.provider.pk, "run_pk": r.queued_makeup_run.pk},
    ],
    "minutes:makeup_run_cancel": lambda r: [
        {"pk": r.provider.pk, "run_pk": r.queued_makeup_run.pk}
    ],
    "minutes:makeup_run_again": lambda r: [{"pk": r.provider.pk, "run_pk": r.makeup_run.pk}],
    "minutes:makeup_accept": lambda r: [{"pk": r.provider.pk}],
    "minutes:school": lambda r: [{"pk": r.world.school.pk}, {"pk": r.world.other_school.pk}],
    "minutes:student": lambda r: _students(r),
    "minutes:notice": lambda r: _students(r),
    "workload:report": lambda r: _providers(r),
    "workload:report_pdf": lambda r: _providers(r),
    "workload:indirect_edit": lambda r: [{"pk": r.indirect.pk}],
    "workload:whatif": lambda r: _providers(r),
    "workload:whatif_run": lambda r: [
        {"pk": r.provider.pk, "run_pk": r.whatif_run.pk},
        {"pk": r.provider.pk, "run_pk": r.queued_whatif_run.pk},
    ],
    "workload:whatif_run_cancel": lambda r: [
        {"pk": r.provider.pk, "run_pk": r.queued_whatif_run.pk}
    ],
    "workload:indirect_delete": lambda r: [{"pk": r.indirect.pk}],
    "progress:reports": lambda r: _providers(r),
    "progress:reports_pdf": lambda r: _providers(r),
    "progress:reports_draft": lambda r: _providers(r),
    "progress:report_draft": lambda r: _students(r),
    "progress:report": lambda r: [{"pk": r.report.pk}, {"pk": r.draft_report.pk}],
    "progress:report_pdf": lambda r: [{"pk": r.report.pk}, {"pk": r.draft_report.pk}],
    "progress:report_goal": lambda r: [{"pk": r.draft_report.pk, "goal_pk": r.goal.pk}],
    "progress:report_sign": lambda r: [{"pk": r.draft_report.pk}],
    "progress:report_amend": lambda r: [{"pk": r.report.pk}],
    "progress:report_share": lambda r: [{"pk": r.report.pk}],
    "lessons:request_decline": lambda r: [{"pk": r.lesson_request.pk}],
    "lessons:weekly_end": lambda r: [{"pk": r.weekly_lesson.pk}],
    "lessons:request_create": lambda r: _rooms(r),
    "lessons:credit": lambda r: [{"pk": r.service.pk}],
    "lessons:support": lambda r: [{"pk": r.ahead.pk}, {"pk": r.signed.pk}],
    "watchlist:entry": lambda r: [{"pk": r.watch_entry.pk}],
    "watchlist:observation_add": lambda r: [{"pk": r.watch_entry.pk}],
    "watchlist:renew": lambda r: [{"pk": r.watch_entry.pk}],
    "watchlist:carry_over": lambda r: [{"pk": r.watch_entry.pk}],
    "watchlist:summary": lambda r: [{"pk": r.watch_entry.pk}],
    "watchlist:summary_pdf": lambda r: [{"pk": r.watch_entry.pk}],
    "watchlist:carried": lambda r: _students(r),
}


def _rooms(r: RichWorld) -> list[Args]:
    return [{"pk": r.world.classroom.pk}, {"pk": r.world.other_classroom.pk}]


def _providers(r: RichWorld) -> list[Args]:
    return [{"pk": r.provider.pk}, {"pk": r.world.other_provider.pk}]


def _students(r: RichWorld) -> list[Args]:
    return [{"pk": r.world.student.pk}, {"pk": r.world.other_student.pk}]


def _record(r: RichWorld) -> list[Args]:
    return [{"pk": r.signed.pk, "record_pk": r.signed_record.pk}]


def _admin_args(route: Route) -> list[Args] | None:
    """The Django admin's arguments: an object of the page's model, an app label."""
    params = set(route.params)
    if params == {"app_label"}:
        labels = sorted({model._meta.app_label for model in admin.site._registry})
        return [{"app_label": label} for label in labels]
    if params == {"url"}:
        return [{"url": "no-such-page/"}]
    if params == {"content_type_id", "object_id"}:
        student = Student.objects.order_by("pk").first()
        assert student is not None
        return [
            {
                "content_type_id": ContentType.objects.get_for_model(Student).pk,
                "object_id": student.pk,
            }
        ]
    if route.admin_model is not None and len(params) == 1 and params <= {"object_id", "id"}:
        first = route.admin_model._base_manager.order_by("pk").first()
        if first is None:
            return None  # the world must have a row of every model the admin shows
        return [{params.pop(): first.pk}]
    return None


def route_args(route: Route, rich: RichWorld) -> list[Args] | None:
    """The argument sets of a route; None when the walk does not know how to fill it."""
    if not route.params:
        return [{}]
    if route.key in ROUTE_ARGS:
        return ROUTE_ARGS[route.key](rich)
    if _is_admin(route):
        return _admin_args(route)
    return None


def _is_admin(route: Route) -> bool:
    return route.key.startswith("admin:") or route.pattern.startswith("django-admin/")


def _url(route: Route, args: Args) -> str:
    if route.named:
        return reverse(route.key, kwargs=args)
    if set(route.params) == {"url"}:  # the admin's catch-all
        return "/" + route.pattern.split("(?P<url>")[0] + str(args["url"])
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[str(m.group(1))]), route.pattern)


# --- The query strings pages use to show other dates and weeks -------------------------------

DAYS = [PAST_MONDAY, NEXT_WEEK, BEFORE_ANY_SCHEDULE, LATER]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _periods() -> list[tuple[str, Args]]:
    """The workload pages' periods: this term, a custom range, one reaching past today."""
    return [
        ("?period=term", {}),
        (f"?period=custom&start={BEFORE_ANY_SCHEDULE:%Y-%m-%d}&end={LATER:%Y-%m-%d}", {}),
        (f"?period=custom&start={LATER:%Y-%m-%d}&end={LATER:%Y-%m-%d}", {}),
    ]


def _dates(name: str) -> list[tuple[str, Args]]:
    queries = [f"?{name}={day:%Y-%m-%d}" for day in DAYS] + [f"?{name}=not-a-date"]
    return [(query, {}) for query in queries]


def _report_periods(r: RichWorld) -> list[tuple[str, Args]]:
    """The progress report pages' periods: another one than in force, one refused."""
    return [(f"?period={encode_id(r.draft_report.period_id)}", {}), ("?period=q1", {})]


VARIANTS: dict[str, Callable[[RichWorld], list[tuple[str, Args]]]] = {
    "sessions:today": lambda r: _dates("date"),
    "sessions:week": lambda r: _dates("date"),
    "collaboration:portal": lambda r: _dates("week"),
    "planning:provider": lambda r: _dates("week"),
    "district:timetable": lambda r: [*_dates("week"), ("", HTMX)],
    "district:dashboard": lambda r: _dates("on"),
    "planning:run": lambda r: [("", HTMX)],
    "planning:run_progress": lambda r: [("", HTMX)],
    "minutes:makeup_run": lambda r: [("", HTMX)],
    "minutes:notice": lambda r: [(f"?service={encode_id(r.service.pk)}", {})],
    "collaboration:student_strategies": lambda r: [("", HTMX)],
    "collaboration:strategies": lambda r: [("?domain=handwriting&q=paper", {})],
    "caseload:list": lambda r: [(f"?school={encode_id(r.world.school.pk)}", {})],
    "caseload:import_students": lambda r: [("?example=1", {})],
    "caseload:privacy": lambda r: [("?ref=S-0001", {}), ("?ref=nobody", {})],
    "district:import_timetables": lambda r: [("?example=1", {})],
    "district:import_roster": lambda r: [("?example=1", {})],
    "followups:printable": lambda r: [("?kind=raised_line&grade=2", {}), ("?kind=box&grade=K", {})],
    "accounts:users": lambda r: [("?role=teacher", {})],
    "workload:report": lambda r: _periods(),
    "workload:report_pdf": lambda r: _periods(),
    "workload:district": lambda r: _periods(),
    "progress:reports": lambda r: _report_periods(r),
    "progress:reports_pdf": lambda r: _report_periods(r),
    "lessons:new": lambda r: [
        (f"?classroom={encode_id(r.world.classroom.pk)}&week={NEXT_WEEK:%Y-%m-%d}", {}),
        (f"?classroom={encode_id(r.world.other_classroom.pk)}", {}),
        (f"?request={encode_id(r.lesson_request.pk)}", {}),
        ("?week=not-a-date", {}),
    ],
}


@dataclass(frozen=True)
class Case:
    route: str
    url: str
    headers: Args

    def __str__(self) -> str:
        return f"GET {self.url}{' (htmx)' if self.headers else ''} [{self.route}]"

    @property
    def plain(self) -> bool:
        """The page itself: no query string, no htmx header (one request per page)."""
        return "?" not in self.url and not self.headers


def cases(rich: RichWorld) -> tuple[list[Case], list[str]]:
    """Every request of the walk, and the routes whose arguments nobody filled."""
    found: list[Case] = []
    unfilled: list[str] = []
    for route in routes():
        arg_sets = route_args(route, rich)
        if not arg_sets:
            unfilled.append(f"{route.key} ({route.pattern}, arguments {route.params})")
            continue
        extra = VARIANTS.get(route.key, lambda r: [])(rich)
        for args in arg_sets:
            url = _url(route, args)
            for query, headers in [("", {}), *extra]:
                found.append(Case(route.key, url + query, headers))
    return found, unfilled


# --- The walk -------------------------------------------------------------------------------

WALKERS = [*PERSONAS, "superuser"]


def walker(rich: RichWorld, name: str) -> User | None:
    if name == "anonymous":
        return None
    if name == "superuser":
        return rich.superuser
    person = getattr(rich.world, name)
    return person.user if isinstance(person, Provider) else person


# Statements that cannot change a row, and writes to the tables left out of the comparison.
# Any other statement makes the walk compare every table (comparing after each of the
# thousands of requests would take minutes; most requests run no write statement at all).
READ_ONLY = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)
WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def skipped_db_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label in SKIPPED_TABLES or model._meta.app_label in SKIPPED_APPS
    }


def may_write(statements: list[str], skipped: set[str]) -> bool:
    """Whether any statement may have changed a compared table."""
    for sql in statements:
        if READ_ONLY.match(sql):
            continue
        write = WRITE.match(sql)
        if write is not None and write.group(1) in skipped:
            continue
        return True
    return False


# The links of a page: where each of them leads is checked by tests/core/test_public_ids.py.
LINKS = re.compile(r'\b(?:href|action|src|hx-get|hx-post|hx-put|hx-delete|hx-patch)="([^"]*)"')


@dataclass(frozen=True)
class Visit:
    """One request of the walk and what it did, for the checks that read the walk: the
    writes here, the audit of reads (test_read_audit_walk.py), links (test_public_ids.py)."""

    case: Case
    persona: str
    status: int
    page: bool  # an HTML page (not a download or a stream)
    links: tuple[str, ...]  # its Location header and the links of the page
    shown: frozenset[int]  # students whose full name it shows
    read: frozenset[int]  # students it wrote a READ audit entry for
    actors: tuple[tuple[int | None, str], ...]  # (actor, actor's username) of each entry
    query_keys: frozenset[str]  # what it read of request.GET (EVERY_KEY: maybe anything)


@dataclass
class Walk:
    problems: list[str] = field(default_factory=list)
    status: dict[tuple[str, str], int] = field(default_factory=dict)  # (route, persona)
    visits: list[Visit] = field(default_factory=list)
    users: dict[str, int | None] = field(default_factory=dict)  # persona -> user pk
    refs: dict[int, str] = field(default_factory=dict)  # student pk -> student number
    crafted: CraftedWalk | None = None  # requests of tests/core/test_crafted_dates.py


def walk(
    client: Client, user: User | None, persona: str, walk_cases: list[Case], into: Walk
) -> None:
    """Request every case as `user`; note what each request changed (or how it crashed),
    what it showed and what it audited."""
    client.logout()
    if user is not None:
        force_login(client, user)
    into.users[persona] = None if user is None else user.pk
    before = Snapshot.take()
    skipped = skipped_db_tables()
    students = list(Student.objects.order_by("pk"))
    names = {student.pk: student.full_name for student in students}
    into.refs.update((student.pk, student.ref) for student in students)
    with noting_query_reads() as query_reads:
        for case in walk_cases:
            query_reads.clear()
            with transaction.atomic():
                status = 0
                last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                reset_queries()  # the log keeps 9000 statements: each request starts empty
                response = None
                with CaptureQueriesContext(connection) as queries:
                    try:
                        response = client.get(case.url, **case.headers)
                        status = response.status_code
                    except Exception as error:  # reported; its writes are checked too
                        into.problems.append(f"{case} as {persona} raised {error!r}")
                into.status.setdefault((case.route, persona), status)
                statements = [q["sql"] for q in queries.captured_queries]
                # A request past the log's limit lost its first statements: compare anyway.
                if len(statements) >= connection.queries_limit or may_write(statements, skipped):
                    try:
                        changed = before.changes()
                    except DatabaseError as error:  # the crash left the transaction unusable
                        changed = [f"could not compare: {error!r}"]
                    if changed:
                        into.problems.append(
                            f"{case} as {persona} (status {status}) wrote: " + " | ".join(changed)
                        )
                if response is not None:
                    visit = _visit(case, persona, response, names, last, query_reads.keys)
                    into.visits.append(visit)
                transaction.set_rollback(True)


def _visit(
    case: Case,
    persona: str,
    response: Any,
    names: dict[int, str],
    last: int,
    query_keys: set[str],
) -> Visit:
    text = "" if response.streaming else response.content.decode(errors="replace")
    page = "text/html" in response.get("Content-Type", "") and not response.streaming
    entries = list(
        AuditEntry.objects.filter(pk__gt=last).values_list(
            "actor_id", "actor_username", "action", "student_id"
        )
    )
    return Visit(
        case=case,
        persona=persona,
        status=response.status_code,
        page=page,
        links=(response.get("Location", ""), *(LINKS.findall(text) if page else ())),
        shown=frozenset(pk for pk, name in names.items() if name in text),
        read=frozenset(
            student
            for *_, action, student in entries
            if action == AuditAction.READ and student is not None
        ),
        actors=tuple((actor, username) for actor, username, *_ in entries),
        query_keys=frozenset(query_keys),
    )


def walk_every_persona(rich: RichWorld) -> Walk:
    """Every request of the walk as every persona (`walked`, tests/core/conftest.py)."""
    walk_cases, unfilled = cases(rich)
    assert not unfilled, "Routes the walk cannot fill: " + ", ".join(unfilled)
    result = Walk()
    client = Client()
    for persona in WALKERS:
        walk(client, walker(rich, persona), persona, walk_cases, result)
    return result


def test_every_route_with_arguments_has_ids() -> None:
    unfilled = [
        f"{route.key} ({route.pattern})"
        for route in routes()
        if route.params and route.key not in ROUTE_ARGS and not _is_admin(route)
    ]
    assert not unfilled, (
        "Routes whose arguments the walk cannot fill: add them to ROUTE_ARGS in "
        "tests/core/test_get_never_writes.py:\n" + "\n".join(unfilled)
    )


# Pages each persona must reach in the walk (200): the world is not silently empty.
SEEN = [
    ("sessions:today", "provider"),
    ("sessions:week", "other_provider"),
    ("sessions:detail", "provider"),
    ("minutes:student", "provider"),
    ("workload:report", "provider"),
    ("workload:district", "admin"),
    ("workload:indirect", "provider"),
    ("progress:student", "provider"),
    ("progress:reports", "provider"),
    ("progress:report", "provider"),
    ("progress:report", "teacher"),
    ("progress:report_pdf", "admin"),
    ("planning:run", "provider"),
    ("followups:detail", "provider"),
    ("collaboration:portal", "teacher"),
    ("followups:inbox", "other_teacher"),
    ("collaboration:carryover", "para"),
    ("district:dashboard", "admin"),
    ("minutes:district", "admin"),
    ("admin:index", "superuser"),
    ("admin:therapy_sessions_datedsession_change", "superuser"),
    ("planning:calendar_feed", "anonymous"),
    ("watchlist:list", "teacher"),
    ("watchlist:entry", "provider"),
    ("watchlist:summary", "teacher"),
    ("watchlist:counts", "admin"),
]


@pytest.mark.django_db  # the walk needs the test database set up
def test_no_get_request_writes(walked: Walk) -> None:
    assert not walked.problems, (
        f"{len(walked.problems)} GET requests changed the database (or crashed):\n"
        + "\n".join(walked.problems)
    )
    unseen = [key for key in SEEN if walked.status.get(key) != 200]
    assert not unseen, f"Pages the walk did not reach (status != 200): {unseen}"


# --- The walk's own checks ------------------------------------------------------------------


def test_the_snapshot_sees_a_write_and_ignores_reads_and_sign_ins(world: World) -> None:
    from pushin.accounts.audit import audit_record
    from pushin.accounts.models import AuditAction

    note = Notification.objects.create(recipient=world.teacher, text="Room 2A changed.")
    before = Snapshot.take()
    audit_record(actor=world.teacher, action=AuditAction.READ, obj=world.student)
    User.objects.filter(pk=world.teacher.pk).update(last_login=note.created_at)
    assert before.changes() == []
    Notification.objects.filter(pk=note.pk).update(text="Room 2A changed again.")
    Notification.objects.create(recipient=world.teacher, text="Another.")
    (change,) = before.changes()
    assert change.startswith("collaboration.Notification: added 1")
    assert "changed 1" in change
    assert "Room 2A changed again." in change


def test_the_walk_names_the_route_persona_and_rows_of_a_get_that_writes(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pushin.collaboration import selectors

    unread = Notification.objects.create(recipient=world.teacher, text="Room 2A changed.")
    listed = selectors.notification_list

    def reading_marks_read(user: User) -> Any:
        Notification.objects.filter(recipient=user).update(read_at=unread.created_at)
        return listed(user)

    monkeypatch.setattr(selectors, "notification_list", reading_marks_read)
    page = Case("collaboration:notifications", reverse("collaboration:notifications"), {})
    result = Walk()
    walk(client, world.teacher, "teacher", [page, page], result)
    walk(client, world.provider.user, "provider", [page], result)  # no notification of theirs
    assert result.status == {
        ("collaboration:notifications", "teacher"): 200,
        ("collaboration:notifications", "provider"): 200,
    }
    # Each request is rolled back: the second one is caught writing too.
    assert len(result.problems) == 2
    assert result.problems[0].startswith(
        "GET /collaboration/notifications/ [collaboration:notifications] as teacher (status 200)"
        " wrote: collaboration.Notification: changed 1:"
    )
    assert "'read_at': (None," in result.problems[0]
    assert Notification.objects.get(pk=unread.pk).read_at is None


def test_only_writes_to_compared_tables_make_the_walk_compare() -> None:
    skipped = skipped_db_tables()
    assert {"accounts_auditentry", "django_session", "axes_accesslog"} <= skipped
    reads = [
        'SELECT "caseload_student"."id" FROM "caseload_student"',
        'SAVEPOINT "s1"',
        'RELEASE SAVEPOINT "s1"',
        'INSERT INTO "accounts_auditentry" ("at") VALUES (1)',
        'UPDATE "django_session" SET "expire_date" = 1',
    ]
    assert not may_write(reads, skipped)
    for sql in (
        'INSERT INTO "therapy_sessions_datedsession" ("date") VALUES (1)',
        'UPDATE "collaboration_notification" SET "read_at" = 1',
        'DELETE FROM "collaboration_strategy" WHERE 1',
        'INSERT OR IGNORE INTO "collaboration_strategy" ("name") VALUES (1)',
        'UPDATE "accounts_user" SET "last_login" = 1',  # compared, last_login aside
        "WITH x AS (SELECT 1) UPDATE t SET a = 1",  # not known to be a read
    ):
        assert may_write([*reads, sql], skipped), sql


def test_every_pattern_is_enumerated() -> None:
    found = {route.key for route in routes()}
    assert {"sessions:today", "minutes:notice", "planning:calendar_feed"} <= found
    assert "admin:accounts_user_change" in found
    assert "admin:app_list" in found
