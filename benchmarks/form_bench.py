"""What a rep feels of the empty new-meeting page: how tall it is and how many Tab presses reach "Create".

    .venv/bin/python benchmarks/form_bench.py [--screenshot DIR]

A diagnostic that prints figures, not a pass/fail (issue #26 asks for at most 1,400 px at 1280×800 and at
most 20 Tab presses from Title to the create button). A sandbox process, the app on a local live server and
system Chromium (/usr/bin/chromium) through Playwright; a signed-in rep (Lena, with every scope the demo
grants), the browser in English and Berlin's zone. Figures:

- page height: `document.documentElement.scrollHeight` of the untouched form, at 1280×800 and at 390×844;
- Tab presses: from the Title field, Tab until the focus is on the create button;
- sideways scroll at 390 px: whether the page is wider than the window.
"""

from __future__ import annotations

import os
from datetime import timedelta

from _django import setup
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CREATE_BUTTON = "#meeting-form button[type=submit]:not([name=save_template]):not([name=confirm_same])"
MAX_TABS = 200


def connect_lena(sandbox):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from hubspot_login.models import HubSpotConnection

    lena = next(u for u in sandbox.demo()["users"] if u["email"].startswith("lena"))
    scopes = ["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
              "crm.objects.deals.read", "tickets", "crm.objects.owners.read", "files"]
    token = sandbox.issue_token(lena["user_id"], scopes=scopes)
    user = get_user_model().objects.create_user(lena["email"], lena["email"], first_name="Lena", last_name="Müller")
    HubSpotConnection.objects.create(
        user=user, hub_id=token["hub_id"], hubspot_user_id=lena["user_id"], owner_id=str(lena["owner_id"]),
        email=lena["email"], scopes=token.get("scopes", scopes), access_token=token["access_token"],
        refresh_token=token["refresh_token"], expires_at=timezone.now() + timedelta(hours=6),
    )
    return user


def session_cookie(user) -> tuple[str, str]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def tabs_to_create(page) -> int | None:
    page.locator("#id_title").focus()
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement === document.querySelector(sel)", CREATE_BUTTON):
            return presses
    return None


def measure(browser, base_url: str, cookie: tuple[str, str], width: int, height: int,
            screenshot: str | None = None) -> dict:
    context = browser.new_context(base_url=base_url, locale="en-US", timezone_id="Europe/Berlin",
                                  viewport={"width": width, "height": height})
    context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base_url}])
    page = context.new_page()
    page.goto("/meetings/new/")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")  # the zones have loaded
    page.wait_for_timeout(500)  # the preview's first answer
    figures = page.evaluate("""() => ({
        height: document.documentElement.scrollHeight,
        sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    })""")
    if screenshot:
        page.screenshot(path=f"{screenshot}/form-{width}.png", full_page=True)
    figures["tabs"] = tabs_to_create(page)
    context.close()
    return figures


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshot", help="a folder for full-page screenshots of both sizes")
    args = parser.parse_args()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
    setup("form-bench")
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from hubspot_sandbox.testing import SandboxServer

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    with SandboxServer.start() as sandbox:
        settings.HUBSPOT_API_BASE = settings.HUBSPOT_APP_BASE = sandbox.url
        user = connect_lena(sandbox)
        cookie = session_cookie(user)
        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        server.set_app(StaticFilesHandler(get_wsgi_application()))
        import threading

        threading.Thread(target=server.serve_forever, daemon=True).start()
        base_url = f"http://localhost:{server.server_address[1]}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox"])
                desktop = measure(browser, base_url, cookie, 1280, 800, args.screenshot)
                phone = measure(browser, base_url, cookie, 390, 844, args.screenshot)
                browser.close()
        finally:
            server.shutdown()
    print(f"empty form at 1280x800: {desktop['height']} px tall (target <= 1400), "
          f"{desktop['tabs']} Tab presses from Title to Create (target <= 20)")
    print(f"empty form at 390x844: {phone['height']} px tall, scrolls sideways: {'yes' if phone['sideways'] else 'no'}")


if __name__ == "__main__":
    main()
