"""One bound on mandate minutes (issue 10, low): the amendment form accepted up to
2,147,483,647 minutes while the import capped them at 100,000. The bound is defined once
(pushin.caseload.models.MANDATE_MINUTES_MAX) and the model, the form and the import use it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.caseload.forms import MandateAmendForm
from pushin.caseload.models import (
    MANDATE_MINUTES_MAX,
    MANDATE_MINUTES_TOO_MANY,
    MandateVersion,
)
from tests.caseload.test_import_students import row, run
from tests.caseload.test_mandate_amend import amendment, service_of, url

pytestmark = pytest.mark.django_db
INT_MAX = 2_147_483_647


def test_the_bound_is_the_one_the_import_had() -> None:
    assert MANDATE_MINUTES_MAX == 100_000
    assert MANDATE_MINUTES_TOO_MANY == "At most 100,000 minutes."


def test_the_form_accepts_the_bound() -> None:
    form = MandateAmendForm(amendment(minutes=str(MANDATE_MINUTES_MAX), session_minutes="50"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["minutes"] == MANDATE_MINUTES_MAX


@pytest.mark.parametrize("minutes", [MANDATE_MINUTES_MAX + 1, INT_MAX])
def test_the_form_refuses_more_than_the_bound(minutes: int) -> None:
    form = MandateAmendForm(amendment(minutes=str(minutes), session_minutes="50"))
    assert not form.is_valid()
    assert form.errors["minutes"] == [MANDATE_MINUTES_TOO_MANY]


def test_the_form_tells_the_browser_the_bound() -> None:
    assert f'max="{MANDATE_MINUTES_MAX}"' in str(MandateAmendForm()["minutes"])


@pytest.mark.parametrize("minutes", [MANDATE_MINUTES_MAX + 1, INT_MAX])
def test_the_amendment_page_refuses_more_than_the_bound(world, login, minutes: int) -> None:
    response = login(world.provider.user).post(
        url(world.student), amendment(minutes=str(minutes), session_minutes="50")
    )
    assert response.status_code == 200
    assert MANDATE_MINUTES_TOO_MANY in response.content.decode()
    assert service_of(world.student).versions.count() == 1


def test_the_amendment_page_accepts_the_bound(world, login) -> None:
    response = login(world.provider.user).post(
        url(world.student), amendment(minutes=str(MANDATE_MINUTES_MAX), session_minutes="50")
    )
    assert response.status_code == 302
    assert service_of(world.student).current_version().minutes == MANDATE_MINUTES_MAX


def test_the_model_refuses_more_than_the_bound(world) -> None:
    latest = service_of(world.student).current_version()
    version = MandateVersion(
        service=latest.service,
        effective_from=latest.effective_from,
        minutes=MANDATE_MINUTES_MAX + 1,
        session_minutes=50,
    )
    with pytest.raises(ValidationError) as caught:
        version.full_clean(exclude=["created_by"], validate_constraints=False)
    assert caught.value.message_dict["minutes"] == [MANDATE_MINUTES_TOO_MANY]
    version.minutes = MANDATE_MINUTES_MAX
    version.full_clean(exclude=["created_by"], validate_constraints=False)


def test_the_import_accepts_the_bound(world) -> None:
    result = run(world, "\n".join(_csv(MANDATE_MINUTES_MAX)))
    assert result.applied, result.error_lines()


def test_the_import_refuses_more_than_the_bound(world) -> None:
    result = run(world, "\n".join(_csv(MANDATE_MINUTES_MAX + 1)))
    assert result.error_lines() == [
        f"row 2, column minutes: {MANDATE_MINUTES_MAX + 1} is more than {MANDATE_MINUTES_MAX}"
    ]


def _csv(minutes: int) -> list[str]:
    values = row(minutes=str(minutes), session_minutes="50")
    return [",".join(values), ",".join(values.values())]
