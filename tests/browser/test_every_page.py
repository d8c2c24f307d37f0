"""Every page of every role on a 375 px phone: axe-core finds no serious or critical
accessibility violation, and no page scrolls sideways.

The pages are those of the permission matrix (tests/core/test_permission_matrix.py): every
GET route the matrix answers 200 for a persona, with the matrix's objects (its rich world),
requested as that persona. One persona a role (the provider, their supervised COTA, the
teacher, the para, the administrator) and the signed-out visitor; a route's first object
only. Downloads (PDFs, CSVs,
the calendar feed, the health check) are not pages and are left out by route; htmx
fragments (no <html>) are left out when met.

axe-core is vendored (tests/browser/vendor/axe-core, its README says where from). One
browser, one phone context a persona, the same tab for all of that persona's pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from tests.browser.fixtures import PHONE, screenshot
from tests.core.rich_world import rich_world
from tests.core.test_get_never_writes import routes
from tests.core.test_permission_matrix import (
    EXPECTED,
    PERSONAS,
    MatrixWorld,
    matrix_world,
    parse,
    url_for,
)
from tests.signing_in import force_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# One persona a role; the other district's people see the same pages as these.
# (A supervised COTA is a provider: the same pages, the provider's crawl covers them.)
CRAWLERS = ("anonymous", "provider", "teacher", "para", "admin")
# Files, not pages.
DOWNLOADS = {
    "healthz",
    "audit:export",
    "minutes:export",
    "planning:calendar_feed",
    "workload:report_pdf",
    "progress:reports_pdf",
    "progress:report_pdf",
    "followups:printable",
    "watchlist:summary_pdf",
}
SERIOUS = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                why: (v.nodes[0].any[0] || v.nodes[0].all[0] || {}).message || '',
                count: v.nodes.length}));
}"""

# The elements that stick out past the right edge (the innermost ones, to name the culprit).
WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5;
  });
  return {
    scroll: document.documentElement.scrollWidth, width,
    culprits: wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 5)
      .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className)
        .trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right)),
  };
}"""


def pages_of(persona: str, m: MatrixWorld) -> list[tuple[str, str]]:
    """(label, url) of every page the matrix answers 200 to `persona`: a route's first
    object only (its other objects show the same template)."""
    # The matrix's own test says when a route lacks a row; its rows are enough here.
    known = {route.key: route for route in routes()}
    column = PERSONAS.index(persona)
    found: dict[str, tuple[str, str]] = {}  # one object a route: the same template
    for label, spec in EXPECTED.items():
        key = label.partition("@")[0]
        if key not in known or key in DOWNLOADS or not spec.startswith("GET"):
            continue
        row = parse(label, spec, known[key], post_only=False)
        if row.expected[column] == "200":
            found.setdefault(key, (label, url_for(row, m)))
    return list(found.values())


def _signed_in_page(browser: Browser, base_url: str, m: MatrixWorld, persona: str) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True, has_touch=True)
    user = m.user(persona)
    if user is not None:  # a session made on the server side: the sign-in form is not tested here
        client = Client()
        force_login(client, user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        name = settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": cookie, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_every_page_of_every_role_is_accessible_and_fits_a_phone(
    browser: Browser, live_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    m = matrix_world(rich_world(django_capture_on_commit_callbacks))
    problems: list[str] = []
    crawled = 0
    for persona in CRAWLERS:
        page = _signed_in_page(browser, live_server.url, m, persona)
        for label, url in pages_of(persona, m):
            response = page.goto(url)
            where = f"{persona} {label} {url}"
            assert response is not None, where
            if response.status != 200:
                problems.append(f"{where}: answered {response.status}")
                continue
            if not response.text().lstrip().lower().startswith("<!doctype html"):
                continue  # an htmx fragment, shown inside a page that is crawled itself
            crawled += 1
            page.evaluate(AXE)
            for v in page.evaluate(RUN_AXE):
                problems.append(
                    f"{where}: {v['impact']} {v['id']} ({v['help']})"
                    f" x{v['count']}: {v['nodes']} {v['why']}"
                )
            wide = page.evaluate(WIDE)
            if wide["scroll"] > wide["width"]:
                screenshot(page, f"wide-{persona}-{label.replace(':', '-').replace('@', '-')}")
                problems.append(
                    f"{where}: scrolls sideways, {wide['scroll']}px in {wide['width']}px,"
                    f" sticking out: {wide['culprits']}"
                )
        page.context.close()
    assert crawled > 50, f"only {crawled} pages crawled"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
