"""Hypothesis strategies and checks shared by the import fuzz tests (issue 10): random
text, random bytes and CSV-shaped files whose cells mix valid values with hostile ones.

Every import must answer with a result (applied, or the problems listed) and never raise;
when it reports problems, no table it could write has changed. Each example runs in a
savepoint that is rolled back, so examples do not see each other's writes.

`PUSHIN_FUZZ_EXAMPLES=2000` runs more examples than the default 150 (a deeper search
than the test suite needs; about two minutes per test).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import models, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import IEP, Goal, MandateVersion, Service, Student
from pushin.collaboration.models import Notification
from pushin.district.csv_import import ImportResult
from pushin.district.models import ActivityBlock, Classroom
from pushin.sessions.models import DatedSession, SessionStudent

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "csv"
# Files valid against the test world where the shipped example matches the demo instead.
TEST_FILES = Path(__file__).resolve().parents[1] / "data" / "csv"
FUZZ = settings(
    max_examples=int(os.environ.get("PUSHIN_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
VIEW_FUZZ = settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 1))

# Cells an attacker (or a spreadsheet) might send: empty, blanks, NUL and other control
# characters, formula starts, quotes, separators, huge and negative numbers, impossible
# dates and times, very long text, characters outside the basic plane.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x7f",
    "\t",
    "\n",
    '"',
    ",",
    ";",
    "=1+1",
    "-1",
    "0",
    "1e9",
    "99999999999999999999999999",
    "2147483648",
    "NaN",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "2026-9-8",
    "24:00",
    "9:60",
    "23:59",
    "x" * 3000,
    "\U0001f600",
    "İ",
    "ß",
    "\u202e",
    "NULL",
]
TABLES: tuple[type[models.Model], ...] = (
    Classroom,
    ActivityBlock,
    Student,
    Student.providers.through,
    Student.paras.through,
    IEP,
    Service,
    MandateVersion,
    Goal,
    DatedSession,
    SessionStudent,
    Notification,
    AuditEntry,
)


def row_counts() -> dict[str, int]:
    return {table.__name__: table._default_manager.count() for table in TABLES}


def cells(valid: Sequence[str]) -> st.SearchStrategy[str]:
    """A cell: mostly one of the column's valid values, else hostile or random text."""
    return st.one_of(
        st.sampled_from(list(valid)),
        st.sampled_from(list(valid)),
        st.sampled_from(HOSTILE),
        st.text(max_size=12),
    )


def example_rows(name: str) -> list[dict[str, str]]:
    """The rows of an example file valid against the test world (tests/data/csv/, else the
    shipped one in examples/csv/)."""
    path = TEST_FILES / name if (TEST_FILES / name).is_file() else EXAMPLES / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@st.composite
def csv_files(
    draw: st.DrawFn, columns: Mapping[str, Sequence[str]], examples: Sequence[Mapping[str, str]]
) -> str:
    """A CSV file: rows of a valid example, a third of them with a cell or two swapped
    for another valid value, a hostile one or random text; a header of the known columns
    (in order, shuffled, or some dropped or doubled with a stranger now and then); any
    of three delimiters, a byte-order mark or not, Windows or Unix line ends."""
    names = list(columns)
    header = draw(
        st.one_of(
            st.just(list(examples[0])),
            st.just(list(examples[0])),
            st.permutations(names),
            st.lists(st.sampled_from([*names, "junk", "", " Start "]), min_size=1, max_size=12),
        )
    )
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(header)
    picked = draw(st.lists(st.integers(0, len(examples) - 1), max_size=8, unique=True))
    if picked and draw(st.integers(0, 9)) == 0:
        picked.append(picked[0])  # a repeated row
    for index in picked:
        values = dict(examples[index])
        if draw(st.integers(0, 2)) == 0:
            for name in draw(st.lists(st.sampled_from(names), max_size=2)):
                values[name] = draw(cells(columns[name]))
        row = [values.get(name.strip().lower(), "") for name in header]
        if draw(st.integers(0, 9)) == 0:  # a short or a long row
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(cells(["x"]), max_size=2))
        writer.writerow(row)
    bom = "\ufeff" if draw(st.integers(0, 5)) == 0 else ""
    return bom + out.getvalue()


def any_text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), st.binary(max_size=300).map(_latin1))


def _latin1(data: bytes) -> str:
    return data.decode("latin-1")


def check_import(run: Callable[[], ImportResult]) -> ImportResult:
    """Run one import in a savepoint that is rolled back afterwards; it must return a
    result, and one that reports problems must have written nothing."""
    with transaction.atomic():
        before = row_counts()
        result = run()
        assert isinstance(result, ImportResult)
        if not result.applied:
            assert row_counts() == before, result.error_lines()[:5]
        for line in result.error_lines():
            assert line.startswith("row "), line
        transaction.set_rollback(True)
    return result


def check_page(post: Callable[[], Any]) -> None:
    """An upload through the page answers 200 (the preview or the form's problems);
    the test client re-raises any exception a view lets out, so a 500 fails here."""
    with transaction.atomic():
        before = row_counts()
        response = post()
        assert response.status_code == 200, response.status_code
        after = row_counts()
        # A preview is read-only: only its audit entries may be added.
        assert {k: v for k, v in after.items() if k != "AuditEntry"} == {
            k: v for k, v in before.items() if k != "AuditEntry"
        }
        transaction.set_rollback(True)
