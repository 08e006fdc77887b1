import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "not configured"}
    assert "no-cache" in response["Cache-Control"]


def test_home_page_shows_product_and_sign_in(client):
    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Book HubSpot meetings from one form" in content
    # One click starts the sign-in: the button posts straight to the HubSpot provider, not to another page.
    assert '<form method="post" action="/accounts/hubspot/login/' in content
    assert content.count("Sign in with HubSpot</button>") == 1


def test_there_is_an_icon_and_no_raw_status_link(client):
    content = client.get("/").content.decode()

    assert 'rel="icon"' in content and reverse("healthz") not in content
    assert client.get("/favicon.ico").status_code == 301


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_static_assets_are_served_locally(client):
    content = client.get("/").content.decode()
    assets = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', content)

    assert "/static/vendor/bootstrap/bootstrap.min.css" in assets
    assert assets and all(url.startswith("/static/") for url in assets)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
