from __future__ import annotations

import re

from django.urls import reverse

from pushin.caseload.models import Goal, MandateVersion
from pushin.planning.models import PlanRun, RunStatus
from pushin.vocabulary import Delivery, Domain
from tests.factories import World, make_student
from tests.page_text import says_word
from tests.planning.helpers import solved_run

HREF = re.compile(r'(?:href|hx-get|action)="([^"]*)"')


def test_a_queued_run_polls_for_progress(pworld: World, login, settings) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    client = login(pworld.provider.user)
    response = client.post(reverse("planning:run_create"), {"provider": pworld.provider.pk})
    run = PlanRun.objects.get()
    assert response["Location"] == reverse("planning:run", args=[run.pk])
    assert run.status == RunStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    progress = reverse("planning:run_progress", args=[run.pk])
    assert f'hx-get="{progress}"' in page
    assert 'hx-trigger="every 1s"' in page
    assert "Waiting for a worker" in page
    assert f"ready in at most about {run.time_limit:.0f} seconds" in page  # one provider
    # Still going: the partial keeps polling.
    partial = client.get(progress, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    # Finished: htmx reloads the page, which now shows the plan.
    PlanRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, progress="Stopped")
    done = client.get(progress, HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    assert done["HX-Refresh"] == "true"


def test_result_shows_the_week_stats_and_accept(pworld: World, login) -> None:
    run = solved_run(pworld)
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Accept as the standing schedule" in page
    assert "plan-session school-" in page
    assert says_word(page, "AS")  # Avery Sample's initials on the grid
    assert "Writing" in page
    assert "Literacy centers" in page
    assert "60 min" in page  # mandated and scheduled
    assert "Every mandated minute is scheduled." in page
    for url in HREF.findall(page):
        assert "Avery" not in url
        assert "Sample" not in url


def test_shortfall_reasons_in_plain_words_with_names(pworld: World, login) -> None:
    # A test-taking goal fits no block of the room (writing and centers only).
    shy = make_student(
        ref="S-0009",
        classroom=pworld.classroom,
        provider=pworld.provider,
        domain=Domain.TEST_TAKING,
        first_name="Dana",
        last_name="Quill",
    )
    run = solved_run(pworld)
    assert f"st{shy.pk}" in {s["student"] for s in run.plan_data["shortfalls"]}
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "<strong>Dana Quill</strong> is 60 minutes short" in page
    assert "No class activity in the week suits the goals" in page
    assert f"st{shy.pk}" not in page
    # The plan itself speaks in ids only.
    assert "Dana" not in str(run.plan_data)


def test_consult_mandates_are_listed_as_not_planned(pworld: World, login) -> None:
    version = MandateVersion.objects.get(service__iep__student=pworld.student)
    version.pk = None
    version.effective_from = pworld.district.school_year_start.replace(day=1)
    version.delivery = Delivery.CONSULT
    version.save()
    MandateVersion.objects.filter(service=version.service).exclude(pk=version.pk).delete()
    run = solved_run(pworld)
    assert run.plan_data["sessions"] == []
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Not in this plan" in page
    assert "Avery Sample: consult mandate" in page


def test_admin_plans_everyone_and_sees_each_week(pworld: World, login) -> None:
    client = login(pworld.admin)
    home = client.get(reverse("planning:home")).content.decode()
    assert "All providers of the district" in home
    assert pworld.other_provider.user.display_name in home
    response = client.post(reverse("planning:run_create"), {"provider": "all"})
    run = PlanRun.objects.get()
    assert set(run.providers.all()) == {pworld.provider, pworld.other_provider}
    page = client.get(response["Location"]).content.decode()
    assert page.count("Planned week") == 2
    # A provider cannot open a run that covers a colleague's week.
    assert login(pworld.provider.user).get(response["Location"]).status_code == 404


def test_a_run_of_two_providers_gives_each_the_whole_limit(pworld: World, login, settings) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    client = login(pworld.admin)
    response = client.post(reverse("planning:run_create"), {"provider": "all"})
    run = PlanRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"ready in at most about {2 * run.time_limit:.0f} seconds" in page


def test_result_page_queries_do_not_grow_with_students(
    pworld: World, login, django_assert_max_num_queries
) -> None:
    for number in range(3, 13):
        make_student(ref=f"S-{number:04d}", classroom=pworld.classroom, provider=pworld.provider)
    run = solved_run(pworld)
    # Two blocks of three: most students are short, each with reasons naming others.
    assert len(run.plan_data["shortfalls"]) >= 8
    client = login(pworld.provider.user)
    # 22: two of them read the schedules a plan would replace (none here), for its losses.
    with django_assert_max_num_queries(22):
        response = client.get(reverse("planning:run", args=[run.pk]))
    assert response.status_code == 200
    assert Goal.objects.count() == 12
