"""The booking page as a rep meets it (issue #26): about one screen at 1280×800, few Tab stops to "Create", no
sideways scrolling on a phone, and a navigation bar of one row."""

import pytest
from playwright.sync_api import expect

from tests.history.conftest import record_factory as record_factory  # the shared factory of meeting records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CREATE = "#create-meeting"


@pytest.fixture
def sized_page(browser, live_server):
    """A page whose window size the test chooses."""
    contexts = []

    def open_page(width: int, height: int):
        context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="Europe/Berlin",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_the_empty_form_fits_about_one_screen_and_create_is_few_tabs_away(sized_page, sandbox, rep, browser_login):
    page = sized_page(1280, 800)
    browser_login(page, rep)
    page.goto("/meetings/new/")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")

    assert page.evaluate("document.documentElement.scrollHeight") <= 1400
    page.get_by_label("Title").focus()
    for presses in range(1, 21):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement === document.querySelector(sel)", CREATE):
            break
    else:
        pytest.fail("the create button is more than 20 Tab presses from the title")
    assert "5120001" not in page.content() and "71234500101" not in page.content()  # no raw user or owner id


def test_the_navigation_is_one_row_at_1280_px(sized_page, sandbox, rep, browser_login):
    page = sized_page(1280, 800)
    browser_login(page, rep)
    page.goto("/")

    heights = page.evaluate("""() => [...document.querySelectorAll('#main-nav .nav-link, #main-nav .btn')]
        .map((el) => Math.round(el.getBoundingClientRect().top))""")
    assert max(heights) - min(heights) < 20, heights  # side by side, not wrapped under each other
    expect(page.get_by_role("button", name="Disconnect HubSpot")).to_be_hidden()  # on the home page, folded


@pytest.mark.parametrize("path", ["/", "/meetings/new/", "/meetings/", "record", "/meetings/templates/"])
def test_no_page_scrolls_sideways_on_a_phone(sized_page, sandbox, rep, browser_login, record_factory, path):
    page = sized_page(390, 844)
    browser_login(page, rep)
    if path == "record":
        path = f"/meetings/{record_factory(user=rep).pk}/"

    page.goto(path)

    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
