"""Benchmark: the progress report PDFs (docs/progress.md) for a whole caseload.

Run from the repository root: `python -m bench.reports` (`make bench` runs it after
`python -m bench.run`). On a throwaway SQLite file (a temporary directory, deleted after;
nothing else is touched): migrate, load the small demo district (`load_demo`: 72 students,
one OT), draft the report of the period in force for every student of the demo's provider
(`report_draft_many`), sign every other one (`report_sign`: its graphs stored as PNGs),
then time with Django's test client, signed in as that provider, the caseload's batch PDF
(`progress:reports_pdf`) and single reports' PDFs (`progress:report_pdf`). Prints the
figures and writes them as the "Progress report PDFs" section of docs/benchmarks.md
(`--no-write`: print only). A script, never a timed assertion in the tests.

The clock is set (time-machine, ticking) to DAY, two days before Quarter 2 of the demo's
school year ends, so the figures do not depend on the day the script runs and each report
holds a whole period of data. A draft's graphs are drawn when its PDF is made and kept in
the process's memory (`pushin.progress.reports.pdf`): "cold" empties that cache before each
run (the first download after the data changed, or in a new worker), "warm" does not (the
same file again in the same worker). Everything else of the process is warm: one untimed
request comes first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.docs import DOCS, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Progress report PDFs"
COMMAND = "python -m bench.reports"
DAY = dt.datetime(2027, 1, 27, 12, tzinfo=ZoneInfo("America/New_York"))  # a Wednesday
BATCH_RUNS = 3
SINGLE_RUNS = 5


@dataclass(frozen=True)
class Timing:
    what: str
    runs: int
    median: float
    slowest: float
    size: int  # bytes
    pages: int


@dataclass(frozen=True)
class Figures:
    period: str
    period_start: dt.date
    period_end: dt.date
    students: int
    signed: int
    drafts: int
    goals: int
    draft_goals: int
    points: int  # data points on the caseload's goals up to DAY
    setup_seconds: float
    sign_seconds: float
    timings: list[Timing]


def _django(database: Path) -> None:
    """Settings for the throwaway database, then django.setup()."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["PUSHIN_ENV"] = "development"
    os.environ["DEBUG"] = "0"  # as served: no query log kept in memory
    os.environ["LOG_LEVEL"] = "WARNING"  # no sign-in lines between the figures
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pushin.settings")
    import django

    django.setup()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def _timed(what: str, runs: int, fetch: Callable[[], bytes], before: Callable[[], None]) -> Timing:
    seconds: list[float] = []
    body = b""
    for _ in range(runs):
        before()
        started = time.perf_counter()
        body = fetch()
        seconds.append(time.perf_counter() - started)
    timing = Timing(
        what=what,
        runs=runs,
        median=statistics.median(seconds),
        slowest=max(seconds),
        size=len(body),
        pages=_pages(body),
    )
    print(
        f"{what}: median {timing.median:.2f} s, max {timing.slowest:.2f} s over {runs} runs; "
        f"{timing.size / 1e6:.2f} MB, {timing.pages} pages",
        flush=True,
    )
    return timing


def measure() -> Figures:
    """Load the demo, draft and sign, time the PDFs (Django set up, the clock at DAY)."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from pushin.demo.names import PERSONAS
    from pushin.district.models import Provider
    from pushin.ids import encode_id
    from pushin.progress.models import ProgressReport, ReportGoal, ReportStatus
    from pushin.progress.reports.pdf import _drawn
    from pushin.progress.reports.selectors import period_in_force, periods_of
    from pushin.progress.reports.services import report_draft_many, report_sign
    from pushin.sessions.ledger import family
    from pushin.sessions.models import DataPoint

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", size="small", stdout=io.StringIO())  # its logins: not shown
    provider = Provider.objects.select_related("user", "district").get(
        user__username=PERSONAS["small"]["provider"].username
    )
    user = provider.user
    period = period_in_force(periods_of(provider.district), timezone.localdate())
    assert period is not None, "the demo district has no progress periods"
    report_draft_many(actor=user, provider=provider, period=period)
    setup = time.perf_counter() - started
    students = provider.students.filter(active=True)
    reports = list(
        ProgressReport.objects.filter(
            student__in=students, period=period, family=family(provider.discipline)
        ).order_by("student_id")
    )
    assert len(reports) == students.count(), "every student of the caseload has a report"
    started = time.perf_counter()
    for report in reports[::2]:
        report_sign(actor=user, report=report)
    signing = time.perf_counter() - started
    signed, drafts = reports[::2], reports[1::2]
    assert ProgressReport.objects.filter(
        pk__in=[r.pk for r in signed], status=ReportStatus.SIGNED
    ).count() == len(signed)
    goals = ReportGoal.objects.filter(report__in=reports).count()
    draft_goals = ReportGoal.objects.filter(report__in=drafts).count()
    points = DataPoint.objects.filter(record__student__in=students).count()
    print(
        f"{students.count()} students, {goals} goals ({draft_goals} in drafts), {points} data "
        f"points; {len(signed)} signed, {len(drafts)} drafts of {period.name}; set up in "
        f"{setup:.1f} s, signed in {signing:.1f} s",
        flush=True,
    )

    client = Client()
    client.force_login(user)

    def get(url: str, **query: str) -> bytes:
        response = client.get(url, query)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert response["Content-Type"] == "application/pdf"
        return response.content

    batch_url = reverse("progress:reports_pdf", args=[provider.pk])
    period_id = encode_id(period.pk)

    def batch() -> bytes:
        return get(batch_url, period=period_id)

    def most_goals(candidates: list[ProgressReport]) -> ProgressReport:
        return max(candidates, key=lambda r: (r.entries.count(), -r.pk))

    draft, sign = most_goals(drafts), most_goals(signed)
    draft_url = reverse("progress:report_pdf", args=[draft.pk])
    signed_url = reverse("progress:report_pdf", args=[sign.pk])

    def cold() -> None:
        _drawn.cache_clear()

    def warm() -> None:
        pass

    get(signed_url)  # untimed: imports, fonts, the URL resolver
    draft_goal_count, signed_goal_count = draft.entries.count(), sign.entries.count()
    timings = [
        _timed("batch PDF, cold", BATCH_RUNS, batch, cold),
        _timed("batch PDF, warm", BATCH_RUNS, batch, warm),
        _timed(
            f"one draft's PDF ({draft_goal_count} goals), cold",
            SINGLE_RUNS,
            lambda: get(draft_url),
            cold,
        ),
        _timed(
            f"one signed report's PDF ({signed_goal_count} goals)",
            SINGLE_RUNS,
            lambda: get(signed_url),
            warm,
        ),
    ]
    return Figures(
        period=period.name,
        period_start=period.start,
        period_end=period.end,
        students=students.count(),
        signed=len(signed),
        drafts=len(drafts),
        goals=goals,
        draft_goals=draft_goals,
        points=points,
        setup_seconds=setup,
        sign_seconds=signing,
        timings=timings,
    )


def markdown(figures: Figures) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `{COMMAND}` (`make bench` runs it after `python -m bench.run`). "
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} (a throwaway "
        "file), DEBUG off.",
        "",
        f"The small demo district on {DAY:%a %Y-%m-%d} (the clock is set: the same data "
        f"whichever day it runs; the seconds depend on the machine and its load): its OT's "
        f"caseload of {figures.students} students, {figures.goals} goals, "
        f"{figures.points} data points since the school year began. Each student's report of "
        f"{figures.period} ({figures.period_start:%b} {figures.period_start.day} to "
        f"{figures.period_end:%b} {figures.period_end.day}) drafted, every other one signed: "
        f"{figures.signed} signed (graphs stored at signing) and {figures.drafts} drafts "
        f"({figures.draft_goals} goals, their graphs drawn for the file). Timed through "
        "Django's test client signed in as the provider (the view: queries, documents, "
        'graphs, reportlab, audit entries). "Cold" empties the in-memory cache of drafts\' '
        "graphs before each run (the first download after the data changed, or in a new "
        'worker); "warm" is the same file again in the same worker.',
        "",
        "| file | runs | median s | max s | size MB | pages |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.what} | {t.runs} | {t.median:.2f} | {t.slowest:.2f} | {t.size / 1e6:.2f} "
        f"| {t.pages} |"
        for t in figures.timings
    ]
    lines += [
        "",
        f"Setting up (migrate, the demo, {figures.students} drafts) took "
        f"{figures.setup_seconds:.1f} s; signing {figures.signed} reports "
        f"{figures.sign_seconds:.1f} s (each goal's graph drawn as a PNG).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/")
    args = parser.parse_args(argv)
    import time_machine

    with tempfile.TemporaryDirectory(prefix="pushin-bench-reports-") as directory:
        _django(Path(directory) / "bench.sqlite3")
        from django.db import connections

        try:
            with time_machine.travel(DAY, tick=True):
                figures = measure()
        finally:
            connections.close_all()
    section = markdown(figures)
    if not args.no_write:
        write_section(SECTION, section)
        print(f"wrote the {SECTION[3:]!r} section of {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
