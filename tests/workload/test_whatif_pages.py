"""The capacity what-if pages: who may use them, reading never writes, asking queues a run,
the run's page polls, then shows its chart, figures and argument."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.planning.models import RunStatus
from pushin.workload.models import WhatIfKind, WhatIfRun
from pushin.workload.whatif import whatif_run_create
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user
from tests.factories import World, make_world
from tests.page_text import page_text
from tests.planning.conftest import give_availability

pytestmark = pytest.mark.django_db

# persona -> (the provider's what-if page, the district's capacity page)
EXPECTED = {
    "provider": (200, 404),
    "other_provider": (404, 404),
    "teacher": (404, 404),
    "other_teacher": (404, 404),
    "para": (404, 404),
    "admin": (200, 200),
}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    settings.PUSHIN_WHATIF_TIME_LIMIT = 3.0


@pytest.fixture
def wworld(db: None) -> World:
    world = make_world()
    give_availability(world)
    return world


def _text(response) -> str:
    return " ".join(page_text(response.content.decode()).split())


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_whatif(wworld: World, login, persona: str) -> None:
    client = login(persona_user(wworld, persona))
    responses = [
        client.get(reverse("workload:whatif", args=[wworld.provider.pk])),
        client.get(reverse("workload:capacity")),
    ]
    if persona == "anonymous":
        assert all(is_login_redirect(r) for r in responses)
        return
    assert tuple(r.status_code for r in responses) == EXPECTED[persona]


@pytest.mark.parametrize("persona", ["other_provider", "teacher", "para"])
def test_nobody_else_can_ask_or_read_a_run(wworld: World, login, persona: str) -> None:
    run = whatif_run_create(
        actor=wworld.provider.user, provider=wworld.provider, kind=WhatIfKind.INDIVIDUAL
    )
    client = login(persona_user(wworld, persona))
    post = client.post(
        reverse("workload:whatif", args=[wworld.provider.pk]), {"kind": WhatIfKind.INDIVIDUAL}
    )
    page = client.get(reverse("workload:whatif_run", args=[wworld.provider.pk, run.pk]))
    cancel = client.post(reverse("workload:whatif_run_cancel", args=[wworld.provider.pk, run.pk]))
    assert (post.status_code, page.status_code, cancel.status_code) == (404, 404, 404)
    assert WhatIfRun.objects.get().status == RunStatus.QUEUED


def test_the_page_offers_the_caseload_as_it_is_and_writes_nothing(wworld: World, login) -> None:
    client = login(wworld.provider.user)
    audits = AuditEntry.objects.count()
    response = client.get(reverse("workload:whatif", args=[wworld.provider.pk]))
    assert response.status_code == 200
    text = _text(response)
    assert "Today the week has 1 student to plan" in text
    form = response.context["form"]
    assert (form["start"].value(), form["end"].value(), form["step"].value()) == (1, 21, 5)
    assert [label for _, label in form.fields["school"].choices] == [
        "Choose a school",
        "Maple Elementary",
    ]
    assert not WhatIfRun.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_asking_queues_a_run_and_its_page_shows_the_argument(
    wworld: World, login, django_capture_on_commit_callbacks
) -> None:
    client = login(wworld.provider.user)
    url = reverse("workload:whatif", args=[wworld.provider.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "size", "start": 3, "end": 4, "step": 1})
    run = WhatIfRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workload:whatif_run", args=[wworld.provider.pk, run.pk])
    assert (run.kind, run.params["sizes"], run.requested_by) == (
        "size",
        [3, 4],
        wworld.provider.user,
    )
    assert AuditEntry.objects.filter(object_id=str(run.pk), action="create").exists()
    assert run.status == RunStatus.DONE  # the inline task backend solved it

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = _text(page)
    short = run.points[1]["short_students"]
    assert (
        f"At 4 students, {short} cannot be seen in class with all their minutes; at 3, all can."
        in text
    )
    html = page.content.decode()
    assert 'id="whatif"' in html  # the chart
    assert "<title" in html
    rows = page.context["points"]
    assert [(p.label, p.students, p.short_minutes) for p in rows] == [
        ("3 students", 3, 0),
        ("4 students", 4, 60),
    ]
    # Polled when finished, the page reloads itself.
    polled = client.get(response["Location"], **HTMX)
    assert polled.headers["HX-Refresh"] == "true"
    # The run is listed on the what-if page.
    assert response["Location"] in client.get(url).content.decode()


def test_a_refused_what_if_says_why(wworld: World, login) -> None:
    client = login(wworld.provider.user)
    url = reverse("workload:whatif", args=[wworld.provider.pk])
    for data, words in (
        ({"kind": "size", "start": 9, "end": 3, "step": 1}, "smaller than the first"),
        ({"kind": "size", "start": 1, "end": 100, "step": 1}, "at most 12 in one what-if"),
        ({"kind": "size", "start": 1}, "from, to and a step"),
        ({"kind": "remove_school"}, "Choose the school to take away"),
        (
            {"kind": "remove_school", "school": f"sch{wworld.school.pk}"},
            "is the caseload's only school",
        ),
        ({"kind": "bigger"}, "Choose a what-if"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert words in _text(response), (data, _text(response))
    assert not WhatIfRun.objects.exists()


def test_the_administrator_asks_for_a_provider(
    wworld: World, login, django_capture_on_commit_callbacks
) -> None:
    client = login(wworld.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workload:whatif", args=[wworld.provider.pk]), {"kind": "individual"}
        )
    run = WhatIfRun.objects.get()
    assert response.status_code == 302
    assert (run.provider, run.requested_by, run.status) == (
        wworld.provider,
        wworld.admin,
        RunStatus.DONE,
    )
    text = _text(client.get(response["Location"]))
    assert "Today, with 1 student, every student can be seen in class" in text


def test_a_run_in_progress_polls_and_can_be_cancelled(wworld: World, login) -> None:
    run = whatif_run_create(
        actor=wworld.provider.user, provider=wworld.provider, kind=WhatIfKind.INDIVIDUAL
    )  # queued: the commit that would enqueue it never comes in this test
    client = login(wworld.provider.user)
    url = reverse("workload:whatif_run", args=[wworld.provider.pk, run.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'hx-get="' + url + '"' in page.content.decode()
    polled = client.get(url, **HTMX)
    assert polled.status_code == 200
    assert "Waiting for a worker" in _text(polled)
    assert "0 of 2 points solved" in _text(polled)
    cancel = reverse("workload:whatif_run_cancel", args=[wworld.provider.pk, run.pk])
    assert client.post(cancel).status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert "Cancelled" in _text(client.get(url))
    assert client.get(url, **HTMX).headers["HX-Refresh"] == "true"
    # A second cancel says it is over.
    again = client.post(cancel, follow=True)
    assert "already finished" in _text(again)


def test_the_report_links_to_the_whatif(wworld: World, login) -> None:
    link = reverse("workload:whatif", args=[wworld.provider.pk])
    for person in (wworld.provider.user, wworld.admin):
        page = login(person).get(reverse("workload:report", args=[wworld.provider.pk]))
        assert link in page.content.decode()
