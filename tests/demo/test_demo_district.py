"""The small demo district: exact counts, a complete and sane world, same data every time."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
import sys
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pushin.accounts.models import Role, User
from pushin.caseload.models import IEP, Frequency, Goal, Service, Student
from pushin.demo import names
from pushin.demo.district import (
    DemoError,
    DemoSummary,
    demo_district_delete,
    demo_district_load,
)
from pushin.demo.secondary import with_secondary_programs
from pushin.district.models import (
    ActivityBlock,
    Classroom,
    Closure,
    District,
    MakeupPolicy,
    ProgressPeriod,
    Provider,
    School,
    TravelTime,
)
from pushin.scheduling.generate import PRESETS, generate_scenario
from pushin.vocabulary import Activity, CutShortReason, MissReason, Weekday
from tests.conftest import NOW, TODAY
from tests.demo.dump import canonical_dump, row_counts

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def small(small_demo: DemoSummary) -> District:
    assert small_demo.created
    return District.objects.get(pk=small_demo.district_id)


def test_small_has_the_exact_counts(small: District) -> None:
    assert small.name == "Riverbend Unified (demo)"
    assert (small.school_year_start, small.school_year_end) == (
        dt.date(2026, 8, 31),
        dt.date(2027, 6, 18),
    )
    assert small.records_start == TODAY  # the frozen clock's Wednesday: adopted today
    assert Student.objects.filter(district=small).count() == 79  # 72 K-5 students and 7 older ones
    assert School.objects.filter(district=small).count() == 9  # + middle, transition
    assert Provider.objects.filter(district=small).count() == 1
    provider = Provider.objects.get(district=small)
    assert provider.discipline == "OT"
    assert provider.students.count() == 79
    roles = {role: User.objects.filter(district=small, role=role).count() for role in Role}
    rooms = Classroom.objects.filter(school__district=small).count()
    assert roles == {Role.PROVIDER: 1, Role.TEACHER: rooms, Role.PARA: 18, Role.ADMIN: 1}
    assert Classroom.objects.filter(school__district=small, teacher__role=Role.TEACHER).count() == (
        rooms
    )


def test_every_student_has_an_iep_a_mandate_in_force_and_goals(small: District) -> None:
    students = Student.objects.filter(district=small).prefetch_related(
        "ieps__services__versions", "ieps__goals", "providers"
    )
    for student in students:
        ieps = [iep for iep in student.ieps.all() if iep.is_in_force(TODAY)]
        assert len(ieps) == 1, student.ref
        services = list(ieps[0].services.all())
        assert [s.discipline for s in services] == ["OT"]
        assert services[0].version_on(TODAY) is not None, student.ref
        assert len(ieps[0].goals.all()) >= 1, student.ref
        assert student.grade == student.classroom.grade
        assert len(student.providers.all()) == 1


def test_mandates_and_goals_are_the_scenario_world(small: District) -> None:
    """The demo is the generator's world, with the middle school and the transition
    program added: same minutes a week, sessions and goal domains."""
    students_count, schools_count, providers_count = PRESETS["small"]
    world = with_secondary_programs(
        generate_scenario(
            students=students_count, schools=schools_count, providers=providers_count, seed=0
        )
    )
    students = (
        Student.objects.filter(district=small)
        .order_by("ref")
        .prefetch_related("ieps__services__versions", "ieps__goals", "unavailable")
    )
    assert len(students) == len(world.students)
    for student, spec in zip(students, world.students, strict=True):
        iep = student.ieps.all()[0]
        version = iep.services.all()[0].version_on(TODAY)
        assert version is not None
        assert version.weekly_minutes() == spec.minutes_per_week
        assert version.session_minutes == spec.session_minutes
        assert (version.delivery, version.grouping, version.max_group) == (
            spec.delivery,
            spec.grouping,
            spec.max_group,
        )
        assert [goal.domain for goal in iep.goals.all()] == [goal.domain for goal in spec.goals]
        assert student.comfort == (spec.comfort or "")
        assert (student.comfort_asked_on is not None) == bool(spec.comfort)
        assert len(student.unavailable.all()) == len(spec.unavailable)


def test_mandate_variety_and_review_dates(small: District) -> None:
    services = Service.objects.filter(iep__student__district=small).prefetch_related("versions")
    histories = [list(service.versions.all()) for service in services]
    amended = [versions for versions in histories if len(versions) == 2]
    assert amended, "a few mandates have an amendment history"
    for first, second in amended:
        assert first.effective_from < second.effective_from <= TODAY
        assert first.minutes != second.minutes
        assert second.reason.startswith("Amendment")
    assert all(len(versions) in (1, 2) for versions in histories)
    assert any(v[-1].frequency == Frequency.MONTH for v in histories), "a few monthly mandates"
    reviews = list(
        IEP.objects.filter(student__district=small).values_list("annual_review", flat=True)
    )
    soon = [day for day in reviews if TODAY <= day <= TODAY + dt.timedelta(days=30)]
    assert 1 <= len(soon) < len(reviews) / 2
    assert min(reviews) >= TODAY
    assert max(reviews) > dt.date(2027, 3, 1), "reviews spread over the year"
    goal = Goal.objects.filter(iep__student__district=small).first()
    assert goal is not None
    for value in (goal.text, goal.method, goal.baseline, goal.target, goal.mastery_criterion):
        assert value


def test_every_classroom_has_blocks_monday_to_friday_without_overlap(small: District) -> None:
    by_room: dict[int, dict[str, list[ActivityBlock]]] = defaultdict(lambda: defaultdict(list))
    for block in ActivityBlock.objects.filter(classroom__school__district=small):
        by_room[block.classroom_id][block.day].append(block)
        assert block.activity in Activity.values
        assert block.start < block.end
    rooms = Classroom.objects.filter(school__district=small)
    assert set(by_room) == {room.pk for room in rooms}
    for days in by_room.values():
        assert set(days) == set(Weekday.values)
        for blocks in days.values():
            blocks.sort(key=lambda b: b.start)
            for before, after in itertools.pairwise(blocks):
                assert before.end <= after.start


def test_travel_matrix_is_complete_and_stored_once_per_pair(small: District) -> None:
    pks = sorted(School.objects.filter(district=small).values_list("pk", flat=True))
    pairs = {
        (t.from_school_id, t.to_school_id): t.minutes
        for t in TravelTime.objects.filter(from_school__district=small)
    }
    expected = {(a, b) for i, a in enumerate(pks) for b in pks[i + 1 :]}
    assert set(pairs) == expected
    assert all(5 <= minutes <= 25 for minutes in pairs.values())


def test_calendar_policy_and_progress_periods(small: District) -> None:
    closures = {c.name: (c.start, c.end) for c in Closure.objects.filter(district=small)}
    assert closures["Labor Day"] == (dt.date(2026, 9, 7), dt.date(2026, 9, 7))
    assert closures["Thanksgiving break"] == (dt.date(2026, 11, 25), dt.date(2026, 11, 27))
    assert closures["Martin Luther King Jr. Day"][0] == dt.date(2027, 1, 18)
    assert closures["Presidents Day"][0] == dt.date(2027, 2, 15)
    assert {"Winter break", "Spring break"} <= set(closures)
    assert len(closures) == 6
    policy = dict(MakeupPolicy.objects.filter(district=small).values_list("reason", "owed"))
    assert policy == {
        MissReason.STUDENT_ABSENT: False,
        MissReason.STUDENT_UNAVAILABLE: False,
        MissReason.PROVIDER_ABSENT: True,
        MissReason.PROVIDER_CONFLICT: True,
        MissReason.SCHOOL_CLOSURE: False,
        CutShortReason.LEFT_EARLY: False,
        CutShortReason.BEHAVIOUR: False,
        CutShortReason.DRILL: False,
        CutShortReason.SCHEDULE_OVERRAN: True,
        CutShortReason.OTHER: False,
    }
    periods = list(ProgressPeriod.objects.filter(district=small))
    assert len(periods) == 4
    assert periods[0].start == small.school_year_start
    assert periods[-1].end == small.school_year_end


def test_demo_personas_see_something(small: District) -> None:
    personas = names.PERSONAS["small"]
    teacher = User.objects.get(username=personas["teacher"].username)
    room = Classroom.objects.get(teacher=teacher)
    assert room.students.count() >= 3, "the teacher login's room has several caseload students"
    para = User.objects.get(username=personas["para"].username)
    supported = list(para.supported_students.all())
    assert len(supported) >= 3
    assert any(student.classroom_id == room.pk for student in supported)
    assert {s.classroom.school_id for s in supported} == {room.school_id}
    admin = User.objects.get(username=personas["admin"].username)
    assert admin.role == Role.ADMIN
    assert admin.district_id == small.pk
    assert admin.check_password("pushin-demo")


def test_same_size_and_seed_give_the_same_rows(small: District) -> None:
    first = canonical_dump()
    demo_district_delete(size="small")
    assert District.objects.count() == 0
    demo_district_load(size="small", seed=0)
    assert canonical_dump() == first
    demo_district_delete(size="small")
    demo_district_load(size="small", seed=1)
    assert canonical_dump() != first


def test_a_fresh_process_and_database_write_the_same_rows(small: District, tmp_path: Path) -> None:
    """Another interpreter (other hash seed) into a fresh SQLite file: identical content."""
    script = (
        "import datetime as dt, json, django, time_machine\n"
        f"time_machine.travel(dt.datetime.fromisoformat({NOW.isoformat()!r}), tick=False).start()\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from pushin.demo.district import demo_district_load\n"
        "from tests.demo.dump import canonical_dump\n"
        "demo_district_load(size='small', seed=0)\n"
        "print(json.dumps(canonical_dump()))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pushin.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "PYTHONHASHSEED": "4242",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == json.loads(json.dumps(canonical_dump()))


def test_loading_again_changes_nothing(small: District) -> None:
    before = row_counts()
    again = demo_district_load(size="small")
    assert not again.created
    assert again.district_id == small.pk
    assert row_counts() == before


def test_reset_replaces_the_district(small: District) -> None:
    before = row_counts()
    again = demo_district_load(size="small", reset=True)
    assert again.created
    assert again.district_id != small.pk
    assert not District.objects.filter(pk=small.pk).exists()
    assert row_counts() == before
    assert demo_district_delete(size="small")
    assert not demo_district_delete(size="small")
    assert User.objects.count() == 0


def test_large_loads_beside_small_with_its_own_users(small: District) -> None:
    out = StringIO()
    call_command("load_demo", "--size", "large", "--seed", "0", stdout=out)
    assert "357 students, 14 schools, 5 providers" in out.getvalue()
    assert "large.ot1" in out.getvalue()  # the provider login printed
    large = District.objects.exclude(pk=small.pk).get()
    providers = list(Provider.objects.filter(district=large).order_by("pk"))
    disciplines = [p.discipline for p in providers]
    assert disciplines == ["OT", "COTA", "OT", "PT", "OT"]
    assert providers[1].supervisor == providers[0]
    pt_services = Service.objects.filter(iep__student__providers=providers[3])
    assert set(pt_services.values_list("discipline", flat=True)) == {"PT"}
    assert all(u.startswith("large.") for u in large.users.values_list("username", flat=True))
    assert Student.objects.filter(district=small).count() == 79


def test_unknown_size_is_refused() -> None:
    with pytest.raises(DemoError, match="unknown size"):
        demo_district_load(size="huge")
