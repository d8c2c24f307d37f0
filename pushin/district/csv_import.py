"""CSV import of classroom timetables, and the CSV reading that both imports share.

The file format is described column by column in examples/csv/README.md. Every problem
in a file is reported at once, each with its row number as the file shows it (the header
is row 1), its column and a reason; nothing is written unless the whole file is valid.

Error messages never repeat a student's name: they may end up in a screenshot or a
ticket. They name rows, columns, codes and usernames only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, Role, User
from pushin.collaboration.models import Notification
from pushin.district.models import ActivityBlock, Classroom, District, School, TeacherPreference
from pushin.district.services import classroom_teacher_notify
from pushin.planning.models import ScheduledSession
from pushin.query import EARLIEST, LATEST, WINDOW
from pushin.vocabulary import GRADE_WORDS, Activity, Weekday, grade_from_text, in_week_order

MAX_DATA_ROWS = 5000
NUL = "\x00"
NUL_MESSAGE = "contains a NUL character"
USERNAME_CHUNK = 400  # usernames per query (two parameters each, under SQLite's 999)
_EXTRA = "\x00extra"  # DictReader's restkey: cells beyond the header
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RowError:
    """One problem: `row 7, column minutes: 45 is not a multiple of session_minutes 30`."""

    row: int
    column: str
    message: str
    file: str = ""  # set when an import reads several files (OneRoster)

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" if self.file else f"row {self.row}"
        if self.column:
            return f"{where}, column {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class ImportItem:
    """What the import does (or would do) to one record, named by ref or code only."""

    key: str
    action: str  # "create", "update" or "unchanged"
    details: list[str] = field(default_factory=list)
    record: models.Model | None = None  # the existing record, for the preview's audit


@dataclass
class ImportResult:
    """The outcome of an import or of its dry run."""

    dry_run: bool
    counts: dict[str, int]
    labels: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    items: list[ImportItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def changed(self) -> bool:
        return any(item.action != "unchanged" for item in self.items)

    def summary(self) -> list[tuple[str, int]]:
        return [(self.labels[key], self.counts[key]) for key in self.labels]

    def summary_text(self) -> str:
        return "; ".join(f"{label}: {n}" for label, n in self.summary())

    def error_lines(self) -> list[str]:
        return [str(e) for e in self.errors]


# ---------------------------------------------------------------------------------------
# Reading a CSV file


@dataclass(frozen=True)
class CsvRow:
    number: int  # the row as a spreadsheet or text editor shows it; the header is row 1
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def decode_upload(data: bytes) -> str:
    """UTF-8 text of an uploaded file, with or without a byte-order mark."""
    return data.decode("utf-8-sig")


def _normalise_header(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


def _delimiter(first_line: str) -> str:
    """Comma, unless the header clearly uses semicolons or tabs (some spreadsheet locales)."""
    if "," in first_line:
        return ","
    if ";" in first_line:
        return ";"
    if "\t" in first_line:
        return "\t"
    return ","


def read_csv(
    text: str, *, required: Sequence[str], optional: Sequence[str], errors: list[RowError]
) -> list[CsvRow]:
    """The data rows of `text`, cells stripped; problems are appended to `errors`.

    Returns no rows when the header lacks a required column (rows cannot be checked).
    Completely empty rows (a spreadsheet's trailing rows) are skipped.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        errors.append(RowError(1, "", "the file is empty"))
        return []
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), restkey=_EXTRA
    )
    try:
        raw_header = reader.fieldnames or []
    except csv.Error as exc:
        errors.append(RowError(1, "", f"the header cannot be read as CSV ({exc})"))
        return []
    header: list[str] = []
    known = set(required) | set(optional)
    seen: set[str] = set()
    nul_cells = [i for i, raw in enumerate(raw_header, start=1) if NUL in raw]
    for index in nul_cells:
        errors.append(RowError(1, "", f"header cell {index} {NUL_MESSAGE}"))
    if nul_cells:
        return []
    for index, raw in enumerate(raw_header, start=1):
        name = _normalise_header(raw)
        if not name:
            header.append(f"\x00unnamed{index}")
            continue
        if name in seen:
            errors.append(RowError(1, name, "appears twice in the header"))
        elif name not in known:
            errors.append(
                RowError(
                    1,
                    name,
                    f"unknown column; the columns are: {', '.join([*required, *optional])}",
                )
            )
        seen.add(name)
        header.append(name)
    missing = [c for c in required if c not in seen]
    for column in missing:
        errors.append(RowError(1, column, "required column is missing from the header"))
    if missing:
        return []
    reader.fieldnames = header

    # Row numbers are those a spreadsheet shows: a cell holding line breaks is still one
    # row, a blank line is a row of its own. The reader counts physical lines, so the
    # line breaks inside cells read so far are subtracted.
    inside_cells = sum(h.count("\n") for h in raw_header)
    rows: list[CsvRow] = []
    try:
        for record in reader:
            extra = record.pop(_EXTRA, None)
            cells = {k: (v or "") for k, v in record.items()}
            extra_cells = [str(v) for v in extra] if isinstance(extra, list) else []
            inside_cells += sum(v.count("\n") for v in [*cells.values(), *extra_cells])
            number = reader.line_num - inside_cells
            if _has_nul(number, cells, extra_cells, errors):
                continue
            if not any(v.strip() for v in cells.values()) and not any(
                v.strip() for v in extra_cells
            ):
                continue
            if any(v.strip() for v in extra_cells):
                errors.append(
                    RowError(
                        number,
                        "",
                        f"has {len(header) + len(extra_cells)} cells but the header has "
                        f"{len(header)} columns",
                    )
                )
                continue
            unnamed = [k for k, v in cells.items() if k.startswith("\x00unnamed") and v.strip()]
            if unnamed:
                position = unnamed[0].removeprefix("\x00unnamed")
                errors.append(
                    RowError(number, "", f"cell {position} holds a value but has no column name")
                )
                continue
            values = {k: v.strip() for k, v in cells.items() if not k.startswith("\x00")}
            rows.append(CsvRow(number, values))
            if len(rows) > MAX_DATA_ROWS:
                errors.append(
                    RowError(number, "", f"the file has more than {MAX_DATA_ROWS} data rows")
                )
                return []
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"cannot be read as CSV ({exc})"))
        return []
    if not rows and not errors:
        errors.append(RowError(1, "", "the file has a header but no data rows"))
    return rows


def _has_nul(
    number: int, cells: dict[str, str], extra_cells: list[str], errors: list[RowError]
) -> bool:
    """Report each cell of a row holding a NUL character (no database stores it as text:
    PostgreSQL refuses it, SQLite keeps it); such a row is left out."""
    found = False
    for position, (column, value) in enumerate(cells.items(), start=1):
        if NUL in value:
            name = str(position) if column.startswith(NUL) else column
            errors.append(RowError(number, name, NUL_MESSAGE))
            found = True
    if any(NUL in value for value in extra_cells):
        errors.append(RowError(number, "", f"a cell beyond the header {NUL_MESSAGE}"))
        found = True
    return found


class RowCheck:
    """Parses the cells of one row, collecting every problem.

    `canon` holds a canonical string for each cell that parsed, so rows that must agree
    (same student, same classroom) are compared by meaning, not by spelling.
    """

    def __init__(self, row: CsvRow, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self.bad: set[str] = set()
        self.canon: dict[str, str] = {}

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def ok(self) -> bool:
        return not self.bad

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row.number, column, message))
        if column:
            self.bad.add(column)
            self.canon.pop(column, None)  # a wrong cell is compared with nothing

    def _cell(self, column: str, required: bool) -> str | None:
        value = self.row.get(column)
        if not value:
            if required:
                self.error(column, "a value is required")
            else:
                self.canon[column] = ""
            return None
        return value

    def text(self, column: str, *, max_length: int, required: bool = True) -> str:
        value = self._cell(column, required)
        if value is None:
            return ""
        if len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters")
            return ""
        self.canon[column] = value
        return value

    def grade(self, column: str = "grade") -> str:
        """An optional grade: PK3, PK4, K, 1 to 12 or 18-22 (also "KG", "Pre-K", "03")."""
        value = self._cell(column, required=False)
        if value is None:
            return ""
        grade = grade_from_text(value)
        if not grade:
            self.error(column, f"'{value}' is not a grade; valid: {GRADE_WORDS}")
            return ""
        self.canon[column] = grade
        return grade

    def code(self, column: str, *, max_length: int, required: bool = True) -> str:
        """A short code (school, classroom): letters, digits, - and _; case-insensitive."""
        value = self._cell(column, required)
        if value is None:
            return ""
        if len(value) > max_length or not _SLUG.match(value):
            self.error(
                column,
                f"'{value}' is not a code (letters, digits, - and _, at most {max_length})",
            )
            return ""
        value = value.lower()
        self.canon[column] = value
        return value

    def integer(
        self, column: str, *, minimum: int, maximum: int | None = None, required: bool = True
    ) -> int | None:
        value = self._cell(column, required)
        if value is None:
            return None
        if not re.fullmatch(r"[+-]?\d+", value):
            self.error(column, f"'{value}' is not a whole number")
            return None
        number = int(value)
        if number < minimum:
            self.error(column, f"{number} is less than {minimum}")
            return None
        if maximum is not None and number > maximum:
            self.error(column, f"{number} is more than {maximum}")
            return None
        self.canon[column] = str(number)
        return number

    def choice(
        self, column: str, choices: Iterable[str], *, what: str, required: bool = True
    ) -> str:
        valid = list(choices)
        value = self._cell(column, required)
        if value is None:
            return ""
        by_lower = {c.lower(): c for c in valid}
        found = by_lower.get(value.lower())
        if found is None:
            self.error(column, f"unknown {what} '{value}'; valid: {', '.join(valid)}")
            return ""
        self.canon[column] = found
        return found

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self._cell(column, required)
        if value is None:
            return None
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"'{value}' is not a date (use YYYY-MM-DD, e.g. 2026-09-08)")
            return None
        if not EARLIEST <= day <= LATEST:
            self.error(column, f"'{value}' is not a date {WINDOW}")
            return None
        self.canon[column] = day.isoformat()
        return day

    def time(self, column: str, *, required: bool = True) -> dt.time | None:
        value = self._cell(column, required)
        if value is None:
            return None
        match = _TIME.match(value)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            self.error(column, f"'{value}' is not a time (use HH:MM, e.g. 09:45)")
            return None
        moment = dt.time(int(match[1]), int(match[2]))
        self.canon[column] = moment.strftime("%H:%M")
        return moment

    def agree_with(self, first: RowCheck, columns: Sequence[str], *, same: str) -> None:
        """Report each column (that parsed in both rows) where this row differs from `first`."""
        for column in columns:
            if (
                column in self.canon
                and column in first.canon
                and self.canon[column] != first.canon[column]
            ):
                self.errors.append(
                    RowError(
                        self.number, column, f"differs from row {first.number} for the same {same}"
                    )
                )


def sorted_errors(errors: list[RowError]) -> list[RowError]:
    """By row, keeping the order problems were found within a row; duplicates dropped."""
    unique = list(dict.fromkeys(errors))
    return sorted(unique, key=lambda e: e.row)


def users_by_username(district: District, usernames: Iterable[str]) -> dict[str, User]:
    """The district's users with these usernames (case-insensitive), a query per 400."""
    names = sorted({u for u in usernames if u})
    wanted = {u.lower() for u in names}
    found: dict[str, User] = {}
    # One IN list per chunk (a file may name thousands): the database's lower() for the
    # case-insensitive match, the names as written for letters it does not fold.
    for first in range(0, len(names), USERNAME_CHUNK):
        chunk = names[first : first + USERNAME_CHUNK]
        users = (
            User.objects.annotate(username_lower=Lower("username"))
            .filter(
                models.Q(username_lower__in={u.lower() for u in chunk})
                | models.Q(username__in=chunk)
            )
            .filter(models.Q(district=district) | models.Q(provider__district=district))
            .select_related("provider")
        )
        found.update((u.username.lower(), u) for u in users if u.username.lower() in wanted)
    return found


def fmt_time(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


# ---------------------------------------------------------------------------------------
# Timetables

TIMETABLE_REQUIRED = (
    "school_code",
    "classroom_code",
    "classroom_name",
    "day",
    "start",
    "end",
    "activity",
)
TIMETABLE_OPTIONAL = ("grade", "teacher_username", "teacher_preference")
_CLASSROOM_FIELDS = ("classroom_name", "grade", "teacher_username")

TIMETABLE_LABELS = {
    "classrooms_created": "Classrooms created",
    "classrooms_updated": "Classrooms updated",
    "classrooms_unchanged": "Classrooms unchanged",
    "blocks_added": "Blocks added",
    "blocks_removed": "Blocks removed",
}

BlockKey = tuple[str, dt.time, dt.time, str, str]  # day, start, end, activity, preference


TEACHER_REFUSED = "only an administrator can change a room's teacher"
ROOM_REFUSED = (
    "you have no students in classroom {room}; ask the district administrator to import "
    "its timetable"
)


def can_import_timetables(user: User) -> bool:
    """Administrators and providers build classroom weeks; teachers edit theirs on screen.

    An administrator imports any room and sets its teacher. A provider changes only the
    rooms where they have active students (and creates new rooms), never a room's teacher.
    """
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or user.role in (Role.ADMIN, Role.PROVIDER)
    )


def _rooms_served(actor: User, district: District) -> set[int]:
    """The rooms of `district` where the provider `actor` has active students."""
    provider = getattr(actor, "provider", None)
    if provider is None:
        return set()
    return set(
        Classroom.objects.filter(
            school__district=district, students__providers=provider, students__active=True
        ).values_list("pk", flat=True)
    )


@dataclass
class _Room:
    first: RowCheck
    school: School
    code: str
    name: str
    grade: str
    teacher: User | None
    blocks: list[tuple[RowCheck, BlockKey]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.school.code}/{self.code}"


def _blocks_create(classroom: Classroom, keys: Iterable[BlockKey]) -> None:
    ActivityBlock.objects.bulk_create(
        ActivityBlock(
            classroom=classroom,
            day=day,
            start=start,
            end=end,
            activity=activity,
            teacher_preference=preference,
        )
        for day, start, end, activity, preference in keys
    )


def _block_text(key: BlockKey) -> str:
    day, start, end, activity, pref = key
    text = f"{day} {fmt_time(start)}-{fmt_time(end)} {activity}"
    return f"{text} ({pref})" if pref else text


Span = tuple[str, dt.time, dt.time]  # day, start, end


def _lies_in(session: ScheduledSession, spans: Iterable[Span]) -> bool:
    return any(
        day == session.day and start <= session.start and session.end <= end
        for day, start, end in spans
    )


def _sessions_losing_blocks(
    sessions: Iterable[ScheduledSession],
    *,
    before: Sequence[ActivityBlock],
    removed: set[int],
    added: Iterable[BlockKey],
) -> list[ScheduledSession]:
    """Weekly sessions a change of the room's blocks breaks: their block is deleted, or they
    lay in a block before and lie in none after (sessions outside every block already are
    the flags' business, not this change's)."""
    spans_before = [(b.day, b.start, b.end) for b in before]
    spans_after = [(b.day, b.start, b.end) for b in before if b.pk not in removed]
    spans_after += [(day, start, end) for day, start, end, _, _ in added]
    return [
        s
        for s in sessions
        if s.block_id in removed or (_lies_in(s, spans_before) and not _lies_in(s, spans_after))
    ]


def _session_words(sessions: Sequence[ScheduledSession]) -> str:
    return ", ".join(
        f"{Weekday(s.day).label[:3]} {fmt_time(s.start)}-{fmt_time(s.end)}" for s in sessions
    )


def _losses_details(lost: Sequence[ScheduledSession], own_provider_id: int | None) -> list[str]:
    """The preview's words for the weekly sessions a room's change breaks."""
    own = [s for s in lost if s.schedule.provider_id == own_provider_id]
    others = [s for s in lost if s.schedule.provider_id != own_provider_id]
    details = []
    if others:
        details.append(
            "1 weekly session of other providers loses its block; they will be told"
            if len(others) == 1
            else f"{len(others)} weekly sessions of other providers lose their blocks; "
            "they will be told"
        )
    if own:
        verb = "loses its block" if len(own) == 1 else "lose their blocks"
        plural = "s" if len(own) > 1 else ""
        details.append(
            f"your weekly session{plural} {_session_words(own)} {verb}: see the planning flags"
        )
    return details


def _tell_providers(
    *, actor: User, classroom: Classroom, lost: Sequence[ScheduledSession]
) -> list[Notification]:
    """Each other provider whose weekly sessions lost their block is told, as a teacher's
    change of a block tells them (pushin.collaboration.services): the room and the times,
    never a student; the planning flags show the sessions."""
    by_provider: dict[int, list[ScheduledSession]] = {}
    for session in lost:
        if session.schedule.provider.user_id != actor.pk:
            by_provider.setdefault(session.schedule.provider_id, []).append(session)
    rows = []
    for sessions in by_provider.values():
        provider = sessions[0].schedule.provider
        plural = len(sessions) > 1
        text = (
            f"{classroom.name}, {classroom.school.name}: the usual week was changed by a "
            f"timetable import by {actor.display_name}. Your session{'s' if plural else ''} "
            f"{_session_words(sessions)} {'lost their blocks' if plural else 'lost its block'}"
            ": see the flags."
        )
        link = reverse("planning:provider", args=[provider.pk])
        rows.append(Notification(recipient=provider.user, text=text[:300], link=link))
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def timetables_import(*, actor: User, district: District, text: str, dry_run: bool) -> ImportResult:
    """Replace the weekly blocks of each classroom named in `text` (others untouched).

    Missing classrooms are created. Blocks that stay the same keep their rows, so a
    second import of the same file changes nothing.
    """
    if not can_import_timetables(actor):
        raise PermissionDenied
    errors: list[RowError] = []
    result = ImportResult(
        dry_run=dry_run, counts=dict.fromkeys(TIMETABLE_LABELS, 0), labels=TIMETABLE_LABELS
    )
    rows = read_csv(text, required=TIMETABLE_REQUIRED, optional=TIMETABLE_OPTIONAL, errors=errors)
    schools = {s.code.lower(): s for s in School.objects.filter(district=district)}
    teachers = users_by_username(district, (r.get("teacher_username") for r in rows))
    existing = {
        (c.school.code, c.code.lower()): c
        for c in Classroom.objects.filter(school__district=district)
        .select_related("school", "teacher")
        .prefetch_related("blocks")
    }
    is_admin = actor.is_superuser or actor.role == Role.ADMIN
    served = set() if is_admin else _rooms_served(actor, district)
    rooms: dict[tuple[str, str], _Room] = {}

    for row in rows:
        check = RowCheck(row, errors)
        school_code = check.code("school_code", max_length=32)
        classroom_code = check.code("classroom_code", max_length=40)
        name = check.text("classroom_name", max_length=60)
        grade = check.grade()
        teacher_name = check.text("teacher_username", max_length=150, required=False)
        day = check.choice("day", Weekday.values, what="day")
        start = check.time("start")
        end = check.time("end")
        activity = check.choice("activity", Activity.values, what="activity")
        pref = check.choice(
            "teacher_preference", TeacherPreference.values, what="preference", required=False
        )
        school = schools.get(school_code) if school_code else None
        if school_code and school is None:
            check.error(
                "school_code",
                f"unknown school code '{school_code}'; valid: {', '.join(sorted(schools))}",
            )
        teacher = teachers.get(teacher_name.lower()) if teacher_name else None
        if teacher_name:
            if teacher is None:
                check.error("teacher_username", f"unknown teacher username '{teacher_name}'")
            elif teacher.role != Role.TEACHER:
                check.error("teacher_username", f"user '{teacher_name}' is not a teacher")
                teacher = None
        if start is not None and end is not None and end <= start:
            check.error("end", f"end {fmt_time(end)} is not after start {fmt_time(start)}")
        if school is None or not classroom_code:
            continue
        now = existing.get((school.code, classroom_code))
        if not is_admin and now is not None and now.pk not in served:
            room_label = f"{school.code}/{classroom_code}"
            check.error("classroom_code", ROOM_REFUSED.format(room=room_label))
        elif not is_admin and teacher is not None and (now is None or now.teacher_id != teacher.pk):
            check.error("teacher_username", TEACHER_REFUSED)
        room = rooms.get((school.code, classroom_code))
        if room is None:
            room = _Room(check, school, classroom_code, name, grade, teacher)
            rooms[(school.code, classroom_code)] = room
        else:
            check.agree_with(room.first, _CLASSROOM_FIELDS, same="classroom")
        if not check.ok or start is None or end is None or not day or not activity:
            continue
        key: BlockKey = (day, start, end, activity, pref)
        for other, other_key in room.blocks:
            if other_key == key:
                check.error("", f"duplicate of row {other.number}")
                break
            if other_key[0] == day and other_key[1] < end and start < other_key[2]:
                check.error(
                    "start",
                    f"{day} {fmt_time(start)}-{fmt_time(end)} overlaps row {other.number} "
                    f"({fmt_time(other_key[1])}-{fmt_time(other_key[2])}) in classroom "
                    f"{room.label}",
                )
                break
        else:
            room.blocks.append((check, key))

    if errors:
        result.errors = sorted_errors(errors)
        return result

    weekly: dict[int, list[ScheduledSession]] = {}
    for session in in_week_order(
        ScheduledSession.objects.filter(
            schedule__active=True,
            classroom__in=[c for key, c in existing.items() if key in rooms],
        ).select_related("schedule__provider__user")
    ):
        weekly.setdefault(session.classroom_id, []).append(session)
    own = getattr(actor, "provider", None) if actor.role == Role.PROVIDER else None
    own_provider_id = own.pk if own is not None else None
    counts = result.counts
    for room_key, room in rooms.items():
        classroom = existing.get(room_key)
        wanted = [key for _, key in room.blocks]
        if classroom is None:
            item = ImportItem(room.label, "create", [f"new classroom, {len(wanted)} blocks"])
            counts["classrooms_created"] += 1
            counts["blocks_added"] += len(wanted)
            result.items.append(item)
            if not dry_run:
                classroom = Classroom.objects.create(
                    school=room.school,
                    code=room.code,
                    name=room.name,
                    grade=room.grade,
                    teacher=room.teacher,
                )
                _blocks_create(classroom, wanted)
                audit_record(
                    actor=actor,
                    action=AuditAction.IMPORT,
                    obj=classroom,
                    detail={"created": True, "blocks_added": len(wanted)},
                )
            continue

        details: list[str] = []
        changed_fields: list[str] = []
        if room.name != classroom.name:
            changed_fields.append("name")
        if room.grade != classroom.grade:
            changed_fields.append("grade")
        if room.teacher is not None and room.teacher.pk != classroom.teacher_id:
            changed_fields.append("teacher")
        if changed_fields:
            details.append(f"{', '.join(changed_fields)} changed")
        if "teacher" in changed_fields:
            details.append("the old and the new teacher will be told")
        current: dict[BlockKey, list[ActivityBlock]] = {}
        for block in classroom.blocks.all():
            current.setdefault(
                (block.day, block.start, block.end, block.activity, block.teacher_preference),
                [],
            ).append(block)
        to_add = [k for k in wanted if k not in current]
        to_remove = [
            b
            for k, blocks in current.items()
            for i, b in enumerate(blocks)
            if k not in wanted or i > 0  # a (stray) second identical block goes too
        ]
        lost: list[ScheduledSession] = []
        if to_add or to_remove:
            details.append(f"blocks replaced: {len(to_add)} added, {len(to_remove)} removed")
            details.extend(f"+ {_block_text(k)}" for k in to_add)
            details.extend(
                f"- {_block_text((b.day, b.start, b.end, b.activity, b.teacher_preference))}"
                for b in to_remove
            )
            lost = _sessions_losing_blocks(
                weekly.get(classroom.pk, []),
                before=list(classroom.blocks.all()),
                removed={b.pk for b in to_remove},
                added=to_add,
            )
            details.extend(_losses_details(lost, own_provider_id))
        if not details:
            counts["classrooms_unchanged"] += 1
            result.items.append(ImportItem(room.label, "unchanged", [], classroom))
            continue
        counts["classrooms_updated"] += 1
        counts["blocks_added"] += len(to_add)
        counts["blocks_removed"] += len(to_remove)
        result.items.append(ImportItem(room.label, "update", details, classroom))
        if dry_run:
            continue
        told: list[Notification] = []
        if changed_fields:
            teacher_before = classroom.teacher
            classroom.name = room.name
            classroom.grade = room.grade
            if room.teacher is not None:
                classroom.teacher = room.teacher
            classroom.save(update_fields=["name", "grade", "teacher"])
            told = classroom_teacher_notify(actor=actor, classroom=classroom, before=teacher_before)
        ActivityBlock.objects.filter(pk__in=[b.pk for b in to_remove]).delete()
        _blocks_create(classroom, to_add)
        told += _tell_providers(actor=actor, classroom=classroom, lost=lost)
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=classroom,
            detail={
                "created": False,
                "fields": changed_fields,
                "blocks_added": len(to_add),
                "blocks_removed": len(to_remove),
                "weekly_sessions_lost_block": [s.pk for s in lost],
                "notifications": [n.pk for n in told],
            },
        )
    return result
