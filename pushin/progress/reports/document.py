"""What a progress report shows, as plain data: the page, the PDF and the frozen snapshot
all read a `Document`.

A draft's document is built from the record each time it is shown (draft.py); a signed
report's is the snapshot stored when it was signed (`Document.to_json` /
`Document.from_json`), so nothing that happens to the record later changes it. The
snapshot holds every number and word the report showed and each graph as it was drawn
(the SVG for the page, the PNG for the PDF).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from pushin.progress.series import GoalSeries
from pushin.vocabulary import grade_label

FORMAT = 1


@dataclass(frozen=True)
class LatestValue:
    day: dt.date
    value: str  # on the goal's scale: "80%", "Verbal"


@dataclass(frozen=True)
class GoalPart:
    """One goal of the report."""

    goal_id: int
    iep: str  # "Aug 31, 2026 to Jun 18, 2027"
    domain: str
    text: str
    method: str
    baseline: str
    target: str
    criterion: str
    code: str  # a ProgressCode, or "" (not chosen yet: a draft only)
    code_word: str  # the district's word for it when the document was made
    suggested: str
    suggested_word: str
    suggested_why: str
    narrative: str
    mastery: str
    trend: str
    description: str  # the graph in words (`series.describe`)
    sessions: int  # sessions with data since the IEP started, through the report's day
    sessions_in_period: int
    latest: tuple[LatestValue, ...]
    graphed: bool
    svg: str = ""
    png: bytes | None = field(default=None, compare=False, repr=False)
    # The live series (a draft's): the PDF draws its graph from it. Not in the snapshot.
    series: GoalSeries | None = field(default=None, compare=False, repr=False)
    edited: bool = False  # a draft's entry the provider saved

    @property
    def title(self) -> str:
        return f"{self.domain}: {self.text}"


@dataclass(frozen=True)
class MissedMinutes:
    reason: str  # in words: "Student absent", "Cut short: left early"
    minutes: int


@dataclass(frozen=True)
class MinutesPart:
    """The minutes ledger over the report's span (`ledger.load_ledgers`, never recounted)."""

    has_service: bool  # the student has a service of the report's family in the period
    start: dt.date | None  # the first day of the ledger rows counted
    mandated: int
    delivered: int
    imported: int  # of the delivered, minutes imported from before the records start
    missed: tuple[MissedMinutes, ...]
    mandate: str  # the mandate in force on the report's last day: "60 min/week"
    records_start: dt.date | None  # after the span's start: nothing is mandated before it

    @property
    def missed_total(self) -> int:
        return sum(m.minutes for m in self.missed)

    @property
    def percent(self) -> int | None:
        if self.mandated <= 0:
            return None
        return (100 * self.delivered) // self.mandated


@dataclass(frozen=True)
class Document:
    student_name: str
    student_ref: str
    grade: str
    school: str
    classroom: str
    family: str  # OT, PT, SLP
    service: str  # "Occupational therapy"
    provider_name: str
    period_name: str
    period_start: dt.date
    period_end: dt.date
    through: dt.date  # the last day of data shown
    goals: tuple[GoalPart, ...]
    minutes: MinutesPart
    revision: int = 1
    amend_reason: str = ""
    signed_by: str = ""
    signed_at: dt.datetime | None = None

    @property
    def grade_words(self) -> str:
        """The grade as people read it; a signed report keeps the id it was signed with."""
        return grade_label(self.grade)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def period_ongoing(self) -> bool:
        return self.through < self.period_end

    def signed_as(self, *, by: str, at: dt.datetime) -> Document:
        return replace(self, signed_by=by, signed_at=at)

    # --- The snapshot ----------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "student": {
                "name": self.student_name,
                "ref": self.student_ref,
                "grade": self.grade,
                "school": self.school,
                "classroom": self.classroom,
            },
            "family": self.family,
            "service": self.service,
            "provider": self.provider_name,
            "period": {
                "name": self.period_name,
                "start": self.period_start.isoformat(),
                "end": self.period_end.isoformat(),
            },
            "through": self.through.isoformat(),
            "goals": [_goal_json(g) for g in self.goals],
            "minutes": _minutes_json(self.minutes),
            "revision": self.revision,
            "amend_reason": self.amend_reason,
            "signed": {
                "by": self.signed_by,
                "at": self.signed_at.isoformat() if self.signed_at else None,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown report snapshot format {data.get('format')!r}")
        student, period, signed = data["student"], data["period"], data["signed"]
        return cls(
            student_name=student["name"],
            student_ref=student["ref"],
            grade=student["grade"],
            school=student["school"],
            classroom=student["classroom"],
            family=data["family"],
            service=data["service"],
            provider_name=data["provider"],
            period_name=period["name"],
            period_start=dt.date.fromisoformat(period["start"]),
            period_end=dt.date.fromisoformat(period["end"]),
            through=dt.date.fromisoformat(data["through"]),
            goals=tuple(_goal_from(g) for g in data["goals"]),
            minutes=_minutes_from(data["minutes"]),
            revision=data["revision"],
            amend_reason=data["amend_reason"],
            signed_by=signed["by"],
            signed_at=dt.datetime.fromisoformat(signed["at"]) if signed["at"] else None,
        )


_GOAL_TEXT_FIELDS = (
    "iep",
    "domain",
    "text",
    "method",
    "baseline",
    "target",
    "criterion",
    "code",
    "code_word",
    "suggested",
    "suggested_word",
    "suggested_why",
    "narrative",
    "mastery",
    "trend",
    "description",
    "svg",
)


def _goal_json(goal: GoalPart) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(goal, name) for name in _GOAL_TEXT_FIELDS}
    data |= {
        "goal": goal.goal_id,
        "sessions": goal.sessions,
        "sessions_in_period": goal.sessions_in_period,
        "latest": [[v.day.isoformat(), v.value] for v in goal.latest],
        "graphed": goal.graphed,
        "png": base64.b64encode(goal.png).decode("ascii") if goal.png else None,
    }
    return data


def _goal_from(data: dict[str, Any]) -> GoalPart:
    return GoalPart(
        goal_id=data["goal"],
        sessions=data["sessions"],
        sessions_in_period=data["sessions_in_period"],
        latest=tuple(LatestValue(dt.date.fromisoformat(d), v) for d, v in data["latest"]),
        graphed=data["graphed"],
        png=base64.b64decode(data["png"]) if data["png"] else None,
        **{name: data[name] for name in _GOAL_TEXT_FIELDS},
    )


def _minutes_json(minutes: MinutesPart) -> dict[str, Any]:
    return {
        "has_service": minutes.has_service,
        "start": minutes.start.isoformat() if minutes.start else None,
        "mandated": minutes.mandated,
        "delivered": minutes.delivered,
        "imported": minutes.imported,
        "missed": [[m.reason, m.minutes] for m in minutes.missed],
        "mandate": minutes.mandate,
        "records_start": minutes.records_start.isoformat() if minutes.records_start else None,
    }


def _minutes_from(data: dict[str, Any]) -> MinutesPart:
    return MinutesPart(
        has_service=data["has_service"],
        start=dt.date.fromisoformat(data["start"]) if data["start"] else None,
        mandated=data["mandated"],
        delivered=data["delivered"],
        imported=data["imported"],
        missed=tuple(MissedMinutes(reason, minutes) for reason, minutes in data["missed"]),
        mandate=data["mandate"],
        records_start=(
            dt.date.fromisoformat(data["records_start"]) if data["records_start"] else None
        ),
    )
