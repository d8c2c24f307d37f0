"""The starter library: about fifty strategies over every goal domain, seeded per district,
idempotently, when the district is created (never on a page read)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps as django_apps

from pushin.collaboration.models import Strategy
from pushin.collaboration.services import strategies_seed
from pushin.collaboration.starter_strategies import PAPER_KINDS, STARTERS
from pushin.district.models import District
from pushin.vocabulary import Domain
from tests.factories import World


def test_about_fifty_starters_cover_every_domain() -> None:
    assert 45 <= len(STARTERS) <= 55
    covered = {d for s in STARTERS for d in s.domains}
    assert covered == set(Domain.values)
    names = [s.name for s in STARTERS]
    assert len(names) == len(set(names))
    for s in STARTERS:
        assert all((s.how_to, s.when_to_use, s.materials)), s.name
        assert len(s.name) <= 80
        assert len(s.when_to_use) <= 200
        assert len(s.materials) <= 200
        assert set(s.domains) <= set(Domain.values), s.name


def test_the_named_supports_are_there_with_their_paper() -> None:
    by_name = {s.name: s for s in STARTERS}
    for name in (
        "Slant board",
        "Pencil grip",
        "Wiggle cushion",
        "Noise-reducing headphones",
        "Visual schedule",
        "First-then board",
        "Weighted lap pad (per district policy)",
        "Lunch container opening routine",
        "Zipper and button practice",
        "Word prediction",
        "Transition warning",
    ):
        assert name in by_name
    assert by_name["Raised-line paper"].printable == "raised_line"
    assert by_name["Highlighted writing band paper"].printable == "highlighted_band"
    assert by_name["Bold-line paper"].printable == "bold_lines"
    assert by_name["Box paper"].printable == "box"
    assert by_name["Slant board"].printable == ""
    kinds = {kind for kind, _ in PAPER_KINDS}
    assert {s.printable for s in STARTERS if s.printable} == kinds


def test_seed_is_idempotent_and_keeps_edited_copies(world: World) -> None:
    Strategy.objects.filter(district=world.district).delete()
    assert strategies_seed(district=world.district) == len(STARTERS)
    copy = Strategy.objects.get(district=world.district, name="Slant board")
    assert copy.is_starter
    assert copy.created_by is None
    copy.how_to = "Our school's slant boards live in the OT cupboard."
    copy.save()
    assert strategies_seed(district=world.district) == 0
    assert Strategy.objects.filter(district=world.district).count() == len(STARTERS)
    copy.refresh_from_db()
    assert copy.how_to == "Our school's slant boards live in the OT cupboard."


def test_each_district_gets_its_own_copies(world: World) -> None:
    other = District.objects.create(
        name="Elsewhere", school_year_start=dt.date(2026, 9, 1), school_year_end=dt.date(2027, 6, 1)
    )
    strategies_seed(district=world.district)
    strategies_seed(district=other)
    mine = Strategy.objects.get(district=world.district, name="Timer")
    theirs = Strategy.objects.get(district=other, name="Timer")
    assert mine.pk != theirs.pk
    mine.name = "Sand timer"
    mine.save()
    assert Strategy.objects.filter(district=other, name="Timer").exists()


def test_a_new_district_starts_with_its_library(world: World) -> None:
    assert Strategy.objects.filter(district=world.district, is_starter=True).count() == len(
        STARTERS
    )
    other = District.objects.create(
        name="Elsewhere", school_year_start=dt.date(2026, 9, 1), school_year_end=dt.date(2027, 6, 1)
    )
    assert Strategy.objects.filter(district=other).count() == len(STARTERS)
    other.name = "Elsewhere Unified"
    other.save()  # a later save seeds nothing again
    assert Strategy.objects.filter(district=other).count() == len(STARTERS)


def test_a_deleted_starter_stays_deleted(world: World, login) -> None:
    Strategy.objects.filter(district=world.district, name="Fidget").delete()
    response = login(world.provider.user).get("/collaboration/strategies/")
    assert response.status_code == 200
    assert not Strategy.objects.filter(district=world.district, name="Fidget").exists()
    assert strategies_seed(district=world.district) == 1  # an explicit seed restores it


def test_reading_the_library_writes_nothing(world: World, login) -> None:
    Strategy.objects.filter(district=world.district).delete()
    response = login(world.provider.user).get("/collaboration/strategies/")
    assert response.status_code == 200
    assert not Strategy.objects.filter(district=world.district).exists()


def test_the_migration_seeds_only_empty_libraries(world: World) -> None:
    seed = importlib.import_module(
        "pushin.collaboration.migrations.0003_seed_starter_libraries"
    ).seed_empty_libraries
    Strategy.objects.filter(district=world.district).delete()
    kept = District.objects.create(
        name="Kept", school_year_start=dt.date(2026, 9, 1), school_year_end=dt.date(2027, 6, 1)
    )
    Strategy.objects.filter(district=kept).exclude(name="Timer").delete()
    seed(django_apps, None)
    assert Strategy.objects.filter(district=world.district).count() == len(STARTERS)
    assert list(Strategy.objects.filter(district=kept).values_list("name", flat=True)) == ["Timer"]


def test_older_students_have_their_strategies() -> None:
    """Issue 14: organisation, keyboarding, self-advocacy and vocational tasks."""
    by_name = {s.name: s for s in STARTERS}
    assert Domain.ATTENTION in by_name["Planner check-out"].domains
    assert Domain.KEYBOARDING in by_name["Guided notes on the laptop"].domains
    assert Domain.SOCIAL in by_name["Self-advocacy card"].domains
    for name in ("Sorting jig", "Packaging step card", "Workplace routine checklist"):
        assert "ocational" in by_name[name].when_to_use or "job" in by_name[name].when_to_use
    assert "Class changes" in by_name["Locker and passing-period plan"].when_to_use


def test_the_migration_gives_seeded_libraries_the_new_starters(world: World) -> None:
    module = importlib.import_module(
        "pushin.collaboration.migrations.0007_starters_for_older_students"
    )
    assert set(module.NEW_STARTERS) <= {s.name for s in STARTERS}
    Strategy.objects.filter(district=world.district, name__in=module.NEW_STARTERS).delete()
    edited = Strategy.objects.create(
        district=world.district, name="Sorting jig", how_to="Ours.", domains=["fine_motor"]
    )
    empty = District.objects.create(
        name="Empty", school_year_start=dt.date(2026, 9, 1), school_year_end=dt.date(2027, 6, 1)
    )
    Strategy.objects.filter(district=empty).delete()
    module.add_new_starters(django_apps, None)
    names = set(Strategy.objects.filter(district=world.district).values_list("name", flat=True))
    assert set(module.NEW_STARTERS) <= names
    edited.refresh_from_db()
    assert edited.how_to == "Ours."
    assert not Strategy.objects.filter(district=empty).exists()
