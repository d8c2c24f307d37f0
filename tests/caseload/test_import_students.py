"""The student CSV import service: counts, every kind of bad row, atomicity, versions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from pathlib import Path

import pytest
from django.db import IntegrityError

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.csv_import import students_import
from pushin.caseload.models import IEP, Goal, MandateVersion, Service, Student
from pushin.district.models import Classroom
from tests.factories import make_provider

# The test world's student file (the shipped example matches the demo district instead).
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "csv" / "students.csv"
EFFECTIVE = dt.date(2026, 10, 1)

BASE = {
    "student_ref": "T-100",
    "first_name": "Quinn",
    "last_name": "Zyxwv",
    "grade": "2",
    "school_code": "maple",
    "classroom_code": "2a",
    "provider_username": "provider",
    "para_usernames": "",
    "iep_start": "2026-09-01",
    "iep_end": "2027-06-18",
    "annual_review": "2027-05-20",
    "comfort": "",
    "discipline": "OT",
    "minutes": "60",
    "frequency": "week",
    "session_minutes": "30",
    "delivery": "push_in",
    "grouping": "group_ok",
    "max_group": "3",
    "goal_domain": "handwriting",
    "goal_text": "Writes on the line.",
    "goal_method": "percent_trials",
    "goal_baseline": "40%",
    "goal_target": "80%",
    "goal_mastery": "in 3 sessions",
}

# The world's student S-0001 exactly as tests.factories made it.
S0001 = {
    **BASE,
    "student_ref": "S-0001",
    "first_name": "Avery",
    "last_name": "Sample",
    "para_usernames": "para",
    "iep_start": "2026-08-31",
    "iep_end": "2027-06-18",
    "annual_review": "2027-06-18",
    "goal_text": "Writes a sentence with letters on the line.",
    "goal_baseline": "40% of letters on the line",
    "goal_target": "80% of letters on the line",
    "goal_mastery": "in 3 consecutive sessions",
}


def row(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


def make_csv(*rows: dict[str, str], columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or list(BASE), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def run(world, text: str, *, actor=None, dry_run: bool = False, effective_from=EFFECTIVE):
    return students_import(
        actor=actor or world.admin,
        district=world.district,
        text=text,
        effective_from=effective_from,
        dry_run=dry_run,
    )


def errors_of(world, *rows: dict[str, str], **kw):
    result = run(world, make_csv(*rows), **kw)
    assert not result.applied
    return result.error_lines()


def snapshot() -> dict[str, object]:
    return {
        "students": sorted(
            Student.objects.values_list(
                "pk", "ref", "first_name", "last_name", "grade", "classroom_id", "comfort"
            )
        ),
        "ieps": sorted(IEP.objects.values_list("pk", "student_id", "start", "end")),
        "services": Service.objects.count(),
        "versions": sorted(MandateVersion.objects.values_list("pk", "minutes", "effective_from")),
        "goals": sorted(Goal.objects.values_list("pk", "text", "target")),
        "providers": sorted(Student.providers.through.objects.values_list("pk", flat=True)),
        "paras": sorted(Student.paras.through.objects.values_list("pk", flat=True)),
        "audit": AuditEntry.objects.count(),
    }


# --- a valid file ----------------------------------------------------------------------


def test_example_file_imports_into_the_world(world):
    result = run(world, EXAMPLE.read_text(encoding="utf-8"))
    assert result.applied, result.error_lines()
    assert result.counts == {
        "students_created": 10,
        "students_updated": 0,
        "students_unchanged": 0,
        "ieps_created": 10,
        "mandate_versions_added": 10,
        "goals_added": 13,
        "goals_updated": 0,
    }
    ada = Student.objects.get(district=world.district, ref="DEMO-001")
    assert (ada.first_name, ada.grade, ada.classroom, ada.comfort) == (
        "Ada",
        "2",
        world.classroom,
        "small_group",
    )
    assert list(ada.providers.all()) == [world.provider]
    assert list(ada.paras.all()) == [world.para]
    iep = ada.ieps.get()
    assert (iep.start, iep.end, iep.annual_review) == (
        dt.date(2026, 9, 1),
        dt.date(2027, 6, 18),
        dt.date(2027, 5, 20),
    )
    version = iep.services.get(discipline="OT").versions.get()
    assert (
        version.effective_from,
        version.minutes,
        version.frequency,
        version.session_minutes,
        version.delivery,
        version.grouping,
        version.max_group,
        version.created_by,
    ) == (dt.date(2026, 9, 1), 60, "week", 30, "push_in", "group_ok", 3, world.admin)
    assert sorted(iep.goals.values_list("domain", "method")) == [
        ("fine_motor", "prompt_level"),
        ("handwriting", "percent_trials"),
    ]
    fay = Student.objects.get(ref="DEMO-006")
    assert (fay.classroom, list(fay.providers.all())) == (
        world.other_classroom,
        [world.other_provider],
    )
    hal = MandateVersion.objects.get(service__iep__student__ref="DEMO-008")
    assert (hal.minutes, hal.frequency, hal.grouping) == (900, "iep_period", "individual")


def test_one_import_audit_entry_per_student_with_ids_only(world):
    run(world, EXAMPLE.read_text(encoding="utf-8"))
    entries = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    created = Student.objects.filter(ref__startswith="DEMO-")
    assert sorted(e.student_id or 0 for e in entries) == sorted(s.pk for s in created)
    assert all(e.actor == world.admin and e.detail["created"] for e in entries)
    dumped = json.dumps([e.detail for e in entries])
    for name in ("Ada", "Fakename", "Placeholder", "Writes"):
        assert name not in dumped


def test_bom_semicolons_and_header_spelling_are_accepted(world):
    text = make_csv(row()).replace(",", ";").replace("student_ref", "Student Ref")
    result = run(world, "\ufeff" + text)
    assert result.applied, result.error_lines()
    assert Student.objects.filter(ref="T-100").exists()


def test_optional_columns_may_be_left_out(world):
    columns = [c for c in BASE if c not in {"grade", "para_usernames", "max_group", "comfort"}]
    result = run(world, make_csv(row(), columns=columns))
    assert result.applied, result.error_lines()
    student = Student.objects.get(ref="T-100")
    assert student.grade == "2"  # the classroom's
    assert MandateVersion.objects.get(service__iep__student=student).max_group == 3


def test_row_without_goal_gives_a_student_without_goals(world):
    empty_goal = dict.fromkeys(
        ["goal_domain", "goal_text", "goal_method", "goal_baseline", "goal_target", "goal_mastery"],
        "",
    )
    result = run(world, make_csv(row(**empty_goal)))
    assert result.applied, result.error_lines()
    assert result.counts["goals_added"] == 0
    assert not Goal.objects.filter(iep__student__ref="T-100").exists()


# --- every kind of bad row -------------------------------------------------------------


def test_minutes_not_a_multiple_of_the_session(world):
    assert errors_of(world, row(minutes="45")) == [
        "row 2, column minutes: 45 is not a multiple of session_minutes 30"
    ]


def test_unknown_school_code(world):
    assert errors_of(world, row(school_code="oak")) == [
        "row 2, column school_code: unknown school code 'oak'; valid: cedar, maple"
    ]


def test_unknown_classroom_code(world):
    assert errors_of(world, row(classroom_code="9z")) == [
        "row 2, column classroom_code: no classroom '9z' at school 'maple'"
    ]


def test_unknown_provider_username(world):
    assert errors_of(world, row(provider_username="nobody")) == [
        "row 2, column provider_username: unknown provider username 'nobody'"
    ]


def test_user_who_is_not_a_provider(world):
    assert errors_of(world, row(provider_username="teacher")) == [
        "row 2, column provider_username: user 'teacher' is not a provider"
    ]


def test_unknown_and_wrong_role_paras(world):
    assert errors_of(world, row(para_usernames="para; ghost ;teacher")) == [
        "row 2, column para_usernames: unknown para username 'ghost'",
        "row 2, column para_usernames: user 'teacher' is not a para",
    ]


def test_bad_date(world):
    assert errors_of(world, row(iep_start="2026-02-30")) == [
        "row 2, column iep_start: '2026-02-30' is not a date (use YYYY-MM-DD, e.g. 2026-09-08)"
    ]


def test_iep_end_before_start(world):
    assert errors_of(world, row(iep_end="2026-08-01", annual_review="2026-09-01")) == [
        "row 2, column iep_end: IEP end 2026-08-01 is not after its start 2026-09-01"
    ]


def test_annual_review_before_start(world):
    assert errors_of(world, row(annual_review="2026-08-01")) == [
        "row 2, column annual_review: annual review 2026-08-01 is before the IEP start 2026-09-01"
    ]


def test_unknown_choice_lists_the_valid_ones(world):
    assert errors_of(world, row(frequency="daily", goal_domain="juggling")) == [
        "row 2, column frequency: unknown frequency 'daily'; valid: week, month, iep_period",
        "row 2, column goal_domain: unknown goal domain 'juggling'; valid: handwriting, "
        "fine_motor, sensory, social, attention, self_care, motor_planning, transitions, "
        "keyboarding, test_taking",
    ]


def test_numbers_out_of_range_or_not_numbers(world):
    assert errors_of(world, row(session_minutes="150", minutes="lots", max_group="0")) == [
        "row 2, column minutes: 'lots' is not a whole number",
        "row 2, column session_minutes: 150 is more than 120",
        "row 2, column max_group: 0 is less than 1",
    ]


def test_required_value_missing(world):
    assert errors_of(world, row(first_name="", goal_target="")) == [
        "row 2, column first_name: a value is required",
        "row 2, column goal_target: a value is required",
    ]


def test_too_long_value_is_reported_without_echoing_it(world):
    assert errors_of(world, row(last_name="Q" * 61)) == [
        "row 2, column last_name: is longer than 60 characters"
    ]


def test_missing_required_column_in_header(world):
    columns = [c for c in BASE if c not in {"minutes", "goal_text"}]
    result = run(world, make_csv(row(), columns=columns))
    assert result.error_lines() == [
        "row 1, column minutes: required column is missing from the header",
        "row 1, column goal_text: required column is missing from the header",
    ]


def test_unknown_and_repeated_columns_in_header(world):
    text = make_csv(row()).replace("comfort", "comfrot").replace("max_group", "minutes", 1)
    lines = run(world, text).error_lines()
    assert lines[0].startswith(
        "row 1, column comfrot: unknown column; the columns are: student_ref,"
    )
    assert lines[1] == "row 1, column minutes: appears twice in the header"


def test_exact_duplicate_row(world):
    assert errors_of(world, row(), row()) == ["row 3: duplicate of row 2"]


def test_duplicate_goal_of_one_student(world):
    assert errors_of(world, row(), row(goal_text="writes  on the LINE.", goal_target="90%")) == [
        "row 3, column goal_text: duplicate of row 2 (same student_ref, goal_domain and goal_text)"
    ]


def test_rows_of_one_student_must_agree(world):
    second = row(last_name="Other", iep_end="2027-06-17", goal_text="Second goal.")
    assert errors_of(world, row(), second) == [
        "row 3, column last_name: differs from row 2 for the same student_ref",
        "row 3, column iep_end: differs from row 2 for the same student_ref",
    ]


def test_rows_of_one_service_must_agree(world):
    second = row(minutes="90", goal_text="Second goal.")
    assert errors_of(world, row(), second) == [
        "row 3, column minutes: differs from row 2 for the same student_ref and discipline"
    ]


def test_rows_compare_by_meaning_not_spelling(world):
    second = row(minutes="060", discipline="ot", goal_text="Second goal.", school_code="MAPLE")
    result = run(world, make_csv(row(), second))
    assert result.applied, result.error_lines()
    assert result.counts["goals_added"] == 2


def test_extra_cells_beyond_the_header(world):
    text = make_csv(row()) + make_csv(row(student_ref="T-101")).splitlines()[1] + ",surplus\n"
    assert run(world, text).error_lines() == ["row 3: has 26 cells but the header has 25 columns"]


def test_row_numbers_are_spreadsheet_rows(world):
    multiline = row(goal_text="First line\nsecond line")
    text = make_csv(multiline, row(student_ref="T-101", minutes="45"))
    lines = text.split("\r\n")
    text = "\r\n".join([*lines[:2], "", *lines[2:]])  # a blank row before the bad one
    assert run(world, text).error_lines() == [
        "row 4, column minutes: 45 is not a multiple of session_minutes 30"
    ]


def test_empty_file_and_header_only(world):
    assert run(world, "").error_lines() == ["row 1: the file is empty"]
    assert run(world, make_csv()).error_lines() == ["row 1: the file has a header but no data rows"]


def test_every_problem_is_reported_at_once(world):
    rows = [
        row(),
        row(student_ref="T-101", minutes="45"),
        row(student_ref="T-102", school_code="oak", provider_username="nobody"),
        row(student_ref="T-103", goal_method="vibes", iep_start="soon"),
        row(),
    ]
    assert errors_of(world, *rows) == [
        "row 3, column minutes: 45 is not a multiple of session_minutes 30",
        "row 4, column school_code: unknown school code 'oak'; valid: cedar, maple",
        "row 4, column provider_username: unknown provider username 'nobody'",
        "row 5, column iep_start: 'soon' is not a date (use YYYY-MM-DD, e.g. 2026-09-08)",
        "row 5, column goal_method: unknown method 'vibes'; valid: percent_trials, frequency, "
        "duration, latency, prompt_level, rubric, narrative",
        "row 6: duplicate of row 2",
    ]


def test_errors_and_logs_never_carry_student_names(world, caplog):
    caplog.set_level(logging.DEBUG)
    rows = [row(), row(last_name="Qwertyuiop", goal_text="Other."), row(minutes="45")]
    lines = errors_of(world, *rows)
    assert lines
    for text in [*lines, caplog.text]:
        assert "Quinn" not in text
        assert "Zyxwv" not in text
        assert "Qwertyuiop" not in text


# --- who may import what ---------------------------------------------------------------


def test_provider_may_not_import_another_providers_student(world):
    assert errors_of(world, row(provider_username="otherprovider"), actor=world.provider.user) == [
        "row 2, column provider_username: you may import only your own caseload, "
        "not provider 'otherprovider'"
    ]


def test_provider_imports_their_own_students(world):
    result = run(world, make_csv(row()), actor=world.provider.user)
    assert result.applied
    assert list(Student.objects.get(ref="T-100").providers.all()) == [world.provider]


def test_provider_may_not_update_a_student_on_another_caseload(world):
    taken = row(student_ref="S-0002")
    assert errors_of(world, taken, actor=world.provider.user) == [
        "row 2, column student_ref: student S-0002 is not on your caseload; "
        "ask the district administrator to import it"
    ]


def test_supervising_provider_may_name_their_assistant(world):
    cota = make_provider("cota", world.district, discipline="COTA")
    cota.supervisor = world.provider
    cota.save()
    result = run(world, make_csv(row(provider_username="cota")), actor=world.provider.user)
    assert result.applied, result.error_lines()


def test_teacher_and_para_are_refused(world):
    from django.core.exceptions import PermissionDenied

    for user in (world.teacher, world.para):
        with pytest.raises(PermissionDenied):
            run(world, make_csv(row()), actor=user)


# --- updates, versions, idempotence ----------------------------------------------------


def test_unchanged_existing_student_adds_nothing(world):
    before = snapshot()
    result = run(world, make_csv(S0001))
    assert result.applied, result.error_lines()
    assert result.counts["students_unchanged"] == 1
    assert result.counts["students_updated"] == 0
    assert snapshot() == before


def test_mandate_change_adds_a_version_and_keeps_history(world):
    service = Service.objects.get(iep__student=world.student)
    original = service.versions.get()
    result = run(world, make_csv({**S0001, "minutes": "90"}))
    assert result.applied, result.error_lines()
    assert result.counts["mandate_versions_added"] == 1
    assert result.counts["students_updated"] == 1
    assert result.items[0].details == [
        "OT mandate: new version from 2026-10-01: 60 min per week, 30-min sessions, push-in, "
        "group <= 3 -> 90 min per week, 30-min sessions, push-in, group <= 3"
    ]
    versions = list(service.versions.order_by("effective_from"))
    assert [(v.pk, v.effective_from, v.minutes) for v in versions] == [
        (original.pk, dt.date(2026, 8, 31), 60),
        (versions[1].pk, EFFECTIVE, 90),
    ]
    assert versions[1].reason == "CSV import"
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.student_id == world.student.pk
    assert entry.detail["mandate_versions"] == [versions[1].pk]
    # the same file again: the mandate now matches its latest version
    again = run(world, make_csv({**S0001, "minutes": "90"}), effective_from=dt.date(2026, 11, 2))
    assert again.counts["mandate_versions_added"] == 0
    assert service.versions.count() == 2


def test_mandate_change_on_the_latest_versions_date_is_refused(world):
    lines = errors_of(world, {**S0001, "minutes": "90"}, effective_from=dt.date(2026, 8, 31))
    assert lines == [
        "row 2: the OT mandate changes, but the effective-from date 2026-08-31 already has a "
        "version; versions are never rewritten, so choose a later date"
    ]


def test_mandate_change_outside_the_iep_is_refused(world):
    lines = errors_of(world, {**S0001, "minutes": "90"}, effective_from=dt.date(2027, 7, 1))
    assert lines == [
        "row 2: the OT mandate changes, but the effective-from date 2027-07-01 is outside the "
        "IEP (2026-08-31 to 2027-06-18)"
    ]


def test_update_of_fields_goals_and_people(world):
    changed = {
        **S0001,
        "last_name": "Renamed",
        "classroom_code": "k1",
        "school_code": "cedar",
        "comfort": "float",
        "goal_target": "90% of letters on the line",
    }
    new_goal = {**changed, "goal_domain": "sensory", "goal_text": "Uses a wiggle cushion."}
    pt = {**changed, "discipline": "PT", "provider_username": "otherprovider", "goal_text": ""}
    pt.update(goal_domain="", goal_method="", goal_baseline="", goal_target="", goal_mastery="")
    result = run(world, make_csv(changed, new_goal, pt))
    assert result.applied, result.error_lines()
    assert result.counts == {
        "students_created": 0,
        "students_updated": 1,
        "students_unchanged": 0,
        "ieps_created": 0,
        "mandate_versions_added": 1,
        "goals_added": 1,
        "goals_updated": 1,
    }
    student = Student.objects.get(pk=world.student.pk)
    assert (student.last_name, student.classroom, student.comfort) == (
        "Renamed",
        world.other_classroom,
        "float",
    )
    assert set(student.providers.all()) == {world.provider, world.other_provider}
    iep = student.ieps.get()
    assert iep.goals.count() == 2
    assert iep.goals.get(domain="handwriting").target == "90% of letters on the line"
    assert iep.services.get(discipline="PT").versions.get().effective_from == iep.start
    assert "Renamed" not in json.dumps(AuditEntry.objects.get(action="import").detail)


def test_new_iep_start_adds_an_iep(world):
    next_year = {**S0001, "iep_start": "2027-06-01", "iep_end": "2028-05-31"}
    next_year["annual_review"] = "2028-05-01"
    result = run(world, make_csv(next_year))
    assert result.applied, result.error_lines()
    assert result.counts["ieps_created"] == 1
    assert world.student.ieps.count() == 2


def test_reimport_of_the_same_file_changes_nothing(world):
    text = EXAMPLE.read_text(encoding="utf-8")
    run(world, text)
    before = snapshot()
    result = run(world, text, effective_from=dt.date(2026, 12, 1))
    assert result.applied
    assert result.counts["students_unchanged"] == 10
    assert result.counts["students_created"] + result.counts["students_updated"] == 0
    assert not result.changed
    assert snapshot() == before


def test_dry_run_writes_nothing(world):
    before = snapshot()
    result = run(world, EXAMPLE.read_text(encoding="utf-8") + ",".join(S0001.values()) + ",x\n")
    assert not result.ok  # the last row has a cell too many
    result = run(world, EXAMPLE.read_text(encoding="utf-8"), dry_run=True)
    assert result.ok
    assert not result.applied
    assert result.counts["students_created"] == 10
    assert [i.action for i in result.items] == ["create"] * 10
    assert snapshot() == before


# --- atomicity -------------------------------------------------------------------------


def test_a_late_invalid_row_means_nothing_is_written(world):
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = make_csv({**S0001, "minutes": "45", "goal_text": "Late."}).split("\r\n", 1)[1]
    before = snapshot()
    result = run(world, text + bad)
    assert result.error_lines() == [
        "row 15, column minutes: 45 is not a multiple of session_minutes 30"
    ]
    assert snapshot() == before


def test_a_database_error_mid_import_rolls_everything_back(world, monkeypatch):
    before = snapshot()
    original = Goal.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 6:
            raise IntegrityError("forced")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Goal, "save", failing_save)
    with pytest.raises(IntegrityError):
        run(world, EXAMPLE.read_text(encoding="utf-8"))
    assert calls["n"] == 6
    assert snapshot() == before


def test_other_districts_students_and_classrooms_are_invisible(world):
    from pushin.district.models import District, School

    other = District.objects.create(
        name="Elsewhere", school_year_start=dt.date(2026, 9, 1), school_year_end=dt.date(2027, 6, 1)
    )
    school = School.objects.create(district=other, name="Far", code="far")
    Classroom.objects.create(school=school, name="F1", code="f1")
    make_provider("farprovider", other)
    assert errors_of(world, row(school_code="far", provider_username="farprovider")) == [
        "row 2, column school_code: unknown school code 'far'; valid: cedar, maple",
        "row 2, column provider_username: unknown provider username 'farprovider'",
    ]


def test_preview_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    text = EXAMPLE.read_text(encoding="utf-8")
    run(world, text)
    # savepoint + 11 reads + release, however many students: no query per row
    with django_assert_max_num_queries(13):
        result = run(world, text, dry_run=True)
    assert result.counts["students_unchanged"] == 10
