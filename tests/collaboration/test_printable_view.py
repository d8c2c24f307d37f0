"""The printable paper page and PDF: for anyone signed in with a staff role."""

from __future__ import annotations

from django.urls import reverse

from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import World

EVERY_STAFF_ROLE = dict.fromkeys(PERSONAS, 200) | {"anonymous": 302}


def test_permission_matrix(world: World, login) -> None:
    url = reverse("followups:printable") + "?kind=raised_line&grade=2"
    for name in PERSONAS:
        client = login(persona_user(world, name))
        for target in (url, reverse("followups:printables")):
            response = client.get(target)
            assert response.status_code == EVERY_STAFF_ROLE[name], (name, target)
            if name == "anonymous":
                assert is_login_redirect(response)


def test_the_pdf_opens_inline(world: World, login) -> None:
    response = login(world.para).get(
        reverse("followups:printable"), {"kind": "highlighted_band", "grade": "k"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="highlighted-band-paper-grade-k.pdf"'
    )
    assert response.content.startswith(b"%PDF-1.4")


def test_bad_parameters_say_what_to_choose(world: World, login) -> None:
    client = login(world.teacher)
    response = client.get(reverse("followups:printable"), {"kind": "graph", "grade": "2"})
    assert response.status_code == 400
    assert "Choose a kind of paper" in response.content.decode()
    response = client.get(reverse("followups:printable"), {"kind": "box", "grade": "14"})
    assert response.status_code == 400
    assert "Choose a grade: PK3, PK4, K, 1 to 12 or 18-22" in response.content.decode()


def test_the_chooser_links_every_kind_and_grade(world: World, login) -> None:
    html = login(world.teacher).get(reverse("followups:printables")).content.decode()
    assert html.count("/followups/paper/print/?kind=") == 4 * 7  # kinds x grade bands
    assert "/followups/paper/print/?kind=box&amp;grade=K" in html
    assert "/followups/paper/print/?kind=box&amp;grade=PK3" in html
    assert "/followups/paper/print/?kind=box&amp;grade=18-22" in html


def test_post_is_not_allowed(world: World, login) -> None:
    response = login(world.teacher).post(reverse("followups:printable"))
    assert response.status_code == 405
