"""The strategy library pages: list, add, read, edit, remove; who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.collaboration.starter_strategies import STARTERS
from tests.caseload.personas import is_login_redirect, persona_user
from tests.collaboration.strategy_helpers import chosen, seeded, starter
from tests.factories import World

LIST = "/collaboration/strategies/"
NEW = "/collaboration/strategies/new/"
VALID = {
    "name": "Pencil-box checklist",
    "how_to": "Tape the list inside the pencil box.\nPoint to the next item.",
    "when_to_use": "Unpacking",
    "materials": "Laminated list",
    "domains": ["attention", "self_care"],
    "printable": "",
}


def own_strategy(world: World) -> Strategy:
    return Strategy.objects.create(
        district=world.district,
        name="Provider's own",
        how_to="Steps.",
        domains=["sensory"],
        created_by=world.provider.user,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("other_provider", 200),
        ("admin", 200),
        ("teacher", 404),
        ("other_teacher", 404),
        ("para", 404),
        ("anonymous", 302),
    ],
)
def test_library_list_by_persona(world: World, login, persona: str, status: int) -> None:
    response = login(persona_user(world, persona)).get(LIST)
    assert response.status_code == status
    if status == 302:
        assert is_login_redirect(response)
    if status == 200:
        assert response.content.count(b'class="strategy-title"') == len(STARTERS)


def test_list_filters_by_domain_and_words(world: World, login) -> None:
    client = login(world.provider.user)
    response = client.get(LIST, {"domain": "keyboarding"})
    titles = response.content.decode()
    assert "Typing practice" in titles
    assert "Word prediction" in titles
    assert "Wiggle cushion" not in titles
    response = client.get(LIST, {"q": "lunch"})
    assert "Lunch container opening routine" in response.content.decode()
    assert "Typing practice" not in response.content.decode()


def test_list_queries_do_not_grow_with_the_library(
    world: World, login, django_assert_max_num_queries
) -> None:
    seeded(world)
    client = login(world.provider.user)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("other_provider", 200),
        ("admin", 403),
        ("teacher", 404),
        ("other_teacher", 404),
        ("para", 404),
        ("anonymous", 302),
    ],
)
def test_add_page_by_persona(world: World, login, persona: str, status: int) -> None:
    assert login(persona_user(world, persona)).get(NEW).status_code == status


def test_provider_adds_a_strategy(world: World, login) -> None:
    response = login(world.provider.user).post(NEW, VALID)
    strategy = Strategy.objects.get(district=world.district, name="Pencil-box checklist")
    assert response.status_code == 302
    assert response["Location"] == reverse("collaboration:strategy", args=[strategy.pk])
    assert strategy.created_by == world.provider.user
    assert not strategy.is_starter
    assert strategy.domains == ["attention", "self_care"]


def test_adding_needs_a_domain_and_a_free_name(world: World, login) -> None:
    seeded(world)
    client = login(world.provider.user)
    response = client.post(NEW, {**VALID, "domains": []})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(NEW, {**VALID, "name": "slant BOARD"})
    assert "The library already has a strategy called" in response.content.decode()
    response = client.post(NEW, {**VALID, "printable": "glitter"})
    assert "Select a valid choice" in response.content.decode()
    assert not Strategy.objects.filter(name="Pencil-box checklist").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("other_provider", 200),
        ("admin", 200),
        ("teacher", 200),  # the strategy is on one of the teacher's students' cards
        ("other_teacher", 404),
        ("para", 200),  # the para supports that student
        ("anonymous", 302),
    ],
)
def test_card_of_a_students_strategy_by_persona(
    world: World, login, persona: str, status: int
) -> None:
    link = chosen(world, "Slant board")
    response = login(persona_user(world, persona)).get(
        reverse("collaboration:strategy", args=[link.strategy_id])
    )
    assert response.status_code == status
    if status == 200:
        assert "3-inch binder" in response.content.decode()


def test_teachers_and_paras_do_not_read_cards_of_no_student_of_theirs(world: World, login) -> None:
    seeded(world)
    fidget = starter(world, "Fidget")
    chosen(world, "Timer", carryover=False)  # provider-only: not on the student's card
    chosen(world, "Visual schedule", active=False)  # retired
    for user in (world.teacher, world.para):
        client = login(user)
        for strategy in (fidget, starter(world, "Timer"), starter(world, "Visual schedule")):
            assert (
                client.get(reverse("collaboration:strategy", args=[strategy.pk])).status_code == 404
            )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),  # wrote it
        ("other_provider", 403),
        ("admin", 403),
        ("teacher", 403),  # sees the card, may not change it
        ("other_teacher", 404),
        ("para", 403),
        ("anonymous", 302),
    ],
)
def test_editing_a_providers_own_strategy_by_persona(
    world: World, login, persona: str, status: int
) -> None:
    strategy = own_strategy(world)
    chosen(world, "Slant board")  # seeds the library
    StudentStrategy.objects.create(student=world.student, strategy=strategy)
    url = reverse("collaboration:strategy_edit", args=[strategy.pk])
    assert login(persona_user(world, persona)).get(url).status_code == status


def test_any_provider_edits_the_districts_starter_copy(world: World, login) -> None:
    seeded(world)
    strategy = starter(world, "Pencil grip")
    response = login(world.other_provider.user).post(
        reverse("collaboration:strategy_edit", args=[strategy.pk]),
        {**VALID, "name": "Pencil grip (blue)", "domains": ["fine_motor"]},
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.name == "Pencil grip (blue)"
    assert strategy.how_to.startswith("Tape the list")
    assert strategy.is_starter


def test_edit_refuses_a_name_in_use(world: World, login) -> None:
    seeded(world)
    strategy = starter(world, "Pencil grip")
    response = login(world.provider.user).post(
        reverse("collaboration:strategy_edit", args=[strategy.pk]), {**VALID, "name": "Timer"}
    )
    assert response.status_code == 200
    assert "already has a strategy called" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.name == "Pencil grip"


def test_remove_an_unused_strategy_but_not_one_a_student_has(world: World, login) -> None:
    link = chosen(world, "Slant board")
    client = login(world.provider.user)
    response = client.post(
        reverse("collaboration:strategy_delete", args=[link.strategy_id]), follow=True
    )
    assert "stays in the library" in response.content.decode()
    assert Strategy.objects.filter(pk=link.strategy_id).exists()
    unused = starter(world, "Fidget")
    response = client.post(reverse("collaboration:strategy_delete", args=[unused.pk]))
    assert response.status_code == 302
    assert not Strategy.objects.filter(pk=unused.pk).exists()
    assert (
        login(world.teacher)
        .post(reverse("collaboration:strategy_delete", args=[link.strategy_id]))
        .status_code
        == 403
    )


def test_library_changes_write_no_student_audit(world: World, login) -> None:
    login(world.provider.user).post(NEW, VALID)
    assert not AuditEntry.objects.filter(student_id__isnull=False).exists()


def test_a_large_library_is_shown_in_pages_keeping_the_filters(world: World, login) -> None:
    Strategy.objects.bulk_create(
        Strategy(
            district=world.district,
            name=f"Strategy {i:03d}",
            how_to="Steps.",
            domains=["sensory"] if i % 2 else ["attention"],
            created_by=world.provider.user,
        )
        for i in range(150)
    )
    client = login(world.provider.user)
    first = client.get(LIST, {"domain": "sensory"})
    assert first.status_code == 200
    assert len(first.context["strategies"]) == 60
    html = first.content.decode()
    sensory = [
        s for s in Strategy.objects.filter(district=world.district) if "sensory" in s.domains
    ]
    assert len(sensory) >= 75
    assert f"<strong>{len(sensory)}</strong> strategies" in html  # all that match, counted
    assert 'href="?domain=sensory&amp;page=2" rel="next"' in html
    second = client.get(LIST, {"domain": "sensory", "page": 2})
    shown = {s.pk for s in first.context["strategies"]} | {
        s.pk for s in second.context["strategies"]
    }
    assert shown == {s.pk for s in sensory}  # page 2 holds the rest, of the same filter
    editable = second.context["editable"]
    assert editable <= {s.pk for s in second.context["strategies"]}  # of the page shown
