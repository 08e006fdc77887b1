import re

import pytest
from playwright.sync_api import expect

from hubspot_login.models import HubSpotConnection
from tests.api_version import API_VERSION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_hubspot_in_a_real_browser(page, live_server, sandbox):
    sandbox.configure(redirect_uris=[f"{live_server.url}/accounts/hubspot/login/callback/"])
    csp_violations = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with HubSpot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("wants to access your HubSpot account")
    page.get_by_label("Lena Müller — lena.mueller@example.de — Demo Portal (24681357)").check()
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "You book as Lena Müller — user 5120001, owner 71234500101, portal demo-portal.sandbox.local."
    )
    expect(page.get_by_test_id("portal")).to_have_text("portal demo-portal.sandbox.local")
    connection = HubSpotConnection.objects.get()
    assert (connection.hubspot_user_id, connection.owner_id, connection.hub_id) == (5120001, "71234500101", 24681357)
    assert csp_violations == []


def test_denying_consent_in_the_browser(page, live_server, sandbox):
    sandbox.configure(redirect_uris=[f"{live_server.url}/accounts/hubspot/login/callback/"])

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with HubSpot").click()
    page.get_by_role("button", name="Deny").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("button", name="Sign in with HubSpot")).to_be_visible()


def test_a_revoked_authorisation_leads_through_sign_in_back_to_the_page(page, live_server, sandbox):
    import requests

    sandbox.configure(redirect_uris=[f"{live_server.url}/accounts/hubspot/login/callback/"])
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with HubSpot").click()
    page.get_by_label("Lena Müller — lena.mueller@example.de — Demo Portal (24681357)").check()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("portal")).to_be_visible()
    requests.post(f"{sandbox.url}/oauth/{API_VERSION}/token/revoke", data={
        "client_id": "sandbox-demo-client-id", "client_secret": "sandbox-demo-client-secret",
        "token": HubSpotConnection.objects.get().refresh_token,
    }, timeout=5)
    sandbox.expire_tokens()

    page.goto("/meetings/new/?from=none")

    # Still signed in to the app, so allauth must show the sign-in page rather than bounce back (a loop).
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("status").first).to_contain_text("Please sign in with HubSpot again")
    page.get_by_role("button", name="Sign in with HubSpot").click()
    page.get_by_label("Lena Müller — lena.mueller@example.de — Demo Portal (24681357)").check()
    page.get_by_role("button", name="Approve").click()
    expect(page).to_have_url(f"{live_server.url}/meetings/new/?from=none")
    expect(page.get_by_test_id("identity-line")).to_contain_text("You book as Lena Müller")
    assert HubSpotConnection.objects.get().has_tokens
