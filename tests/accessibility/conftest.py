"""axe-core in Chromium over the app's pages, in English and German (WCAG 2.2 A and AA rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.conftest import final_record  # noqa: F401 - chained records, as the services make them
from tests.history.conftest import lena, make_user, record_factory  # noqa: F401 - the shared factories

AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LANGUAGES = {"en": "en-US", "de": "de-DE"}


def axe_violations(page) -> list[str]:
    """What axe-core finds on the page as it is now: rule, impact, and where."""
    # Evaluated through the browser's debugging protocol, which the strict CSP does not govern:
    # an injected <script> would be refused, as it should be.
    page.evaluate(AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES)
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:4]}" for v in result["violations"]]


@pytest.fixture(params=list(LANGUAGES), ids=list(LANGUAGES))
def language_page(request, browser, live_server):
    """A page in a browser that asks for English or German, in Berlin's zone, on a desktop-sized window."""
    context = browser.new_context(base_url=live_server.url, locale=LANGUAGES[request.param],
                                  timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.language = request.param
    yield page
    context.close()


@pytest.fixture
def audit(language_page):
    """Visit a state of a page and collect axe's findings for it, keyed by a name for the report."""
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        violations = axe_violations(language_page)
        if violations:
            found[f"{language_page.language}: {name}"] = violations

    check.found = found
    return check
