"""The demo district comes with the starter library and, for the featured room, students'
strategies with uses by the provider and the para: the same rows on every load."""

from __future__ import annotations

import pytest
from django.db import transaction

from pushin.collaboration.models import Strategy, StrategyUse, StudentStrategy
from pushin.collaboration.starter_strategies import STARTERS
from pushin.demo import names
from pushin.demo.district import demo_district_delete, demo_district_load
from pushin.district.models import Classroom, District
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def content(district: District) -> tuple[list[tuple[str, str]], list[tuple[str, ...]]]:
    links = [
        (link.student.ref, link.strategy.name)
        for link in StudentStrategy.objects.filter(student__district=district)
        .select_related("student", "strategy")
        .order_by("pk")
    ]
    uses: list[tuple[str, ...]] = [
        (
            use.student_strategy.student.ref,
            use.student_strategy.strategy.name,
            use.used_on.isoformat(),
            use.used_by.username if use.used_by else "",
            use.outcome,
        )
        for use in StrategyUse.objects.filter(student_strategy__student__district=district)
        .select_related("student_strategy__student", "student_strategy__strategy", "used_by")
        .order_by("pk")
    ]
    return links, uses


def test_demo_strategies_are_seeded_deterministically() -> None:
    with transaction.atomic():
        summary = demo_district_load(size="small")
        first = content(District.objects.get(pk=summary.district_id))
        transaction.set_rollback(True)
    summary = demo_district_load(size="small")
    district = District.objects.get(pk=summary.district_id)
    assert content(district) == first

    assert Strategy.objects.filter(district=district, is_starter=True).count() == len(STARTERS)
    links, uses = first
    teacher = names.PERSONAS["small"]["teacher"].username
    teacher_room = Classroom.objects.get(school__district=district, teacher__username=teacher)
    room_students = set(teacher_room.students.values_list("ref", flat=True))
    assert {ref for ref, _ in links} == room_students
    assert len(links) == 2 * len(room_students)
    assert uses
    assert all(used_on < TODAY.isoformat() for _, _, used_on, _, _ in uses)
    para = names.PERSONAS["small"]["para"].username
    provider = names.PERSONAS["small"]["provider"].username
    assert {by for *_, by, _ in uses} >= {para, provider}

    assert demo_district_delete(size="small")
    assert not Strategy.objects.filter(district_id=summary.district_id).exists()
