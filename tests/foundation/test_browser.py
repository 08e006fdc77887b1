import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chromium_without_csp_violations(page, live_server):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto("/")

    assert page.get_by_role("heading", level=1).inner_text() == "Book HubSpot meetings from one form"
    assert page.get_by_role("link", name="Meeting Booker").is_visible()
    assert violations == []


def test_language_switch_in_the_browser(page, live_server):
    page.goto("/")

    page.get_by_role("button", name="Deutsch").click()

    assert page.get_by_role("heading", level=1).inner_text() == "HubSpot-Meetings mit einem Formular anlegen"
