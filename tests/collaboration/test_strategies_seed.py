"""The starter library: about forty strategies over every goal domain, seeded per district,
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


def test_about_forty_starters_cover_every_domain() -> None:
    assert 38 <= len(STARTERS) <= 45
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
