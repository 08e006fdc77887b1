"""One way in for reps: the sign-in page has a single HubSpot button; no local sign-up or password."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_has_one_way_in(client):
    content = client.get(reverse("account_login")).content.decode()

    assert content.count("Sign in with HubSpot</button>") == 1
    assert f'<form method="post" action="{reverse("hubspot_login")}' in content  # a POST, not a GET link
    assert 'name="password"' not in content and 'name="login"' not in content


def test_there_is_no_local_sign_up_or_password_login(client, django_user_model):
    django_user_model.objects.create_user("rep", "rep@example.de", "secret-password")

    assert client.get("/accounts/signup/").status_code in (302, 403, 404)
    refused = client.post(reverse("account_login"), {"login": "rep@example.de", "password": "secret-password"})

    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session


def test_superusers_can_still_use_the_admin_sign_in(client, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.de", "admin-password")

    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "admin-password", "next": "/admin/"}
    )

    assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_german_sign_in_page(client):
    client.cookies["django_language"] = "de"

    content = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Mit HubSpot anmelden" in content


def test_the_button_carries_next_once(client):
    import re
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    def action(next_url: str) -> dict:
        content = client.get(reverse("account_login"), {"next": next_url}).content.decode()
        url = unescape(re.search(r'<form method="post" action="([^"]+)"', content).group(1))
        return parse_qs(urlsplit(url).query)

    assert action("/meetings/new/?restore=abc&from=3") == {"next": ["/meetings/new/?restore=abc&from=3"]}


def test_signing_in_never_sends_the_rep_to_another_site(client, hubspot):
    from tests.login.conftest import sign_in

    response = sign_in(client, next_url="https://evil.example/")

    assert response.status_code == 302 and not response["Location"].startswith("https://evil.example")


def test_opening_the_hubspot_login_url_directly_shows_our_page_and_its_button_works(client, hubspot):
    page = client.get(reverse("hubspot_login"), {"next": "/meetings/new/"})

    content = page.content.decode()
    assert page.status_code == 200 and 'data-testid="signed-in-user"' not in content
    assert content.count("Sign in with HubSpot</button>") == 1 and "<form method=\"post\">" in content
    started = client.post(f"{reverse('hubspot_login')}?next=/meetings/new/")
    assert started.status_code == 302 and started["Location"].startswith(f"{hubspot.url}/oauth/authorize?")


def test_account_pages_a_rep_has_no_use_for_are_gone(signed_in):
    for url in ("/accounts/3rdparty/", "/accounts/email/", "/accounts/password/change/", "/accounts/signup/"):
        assert signed_in.get(url).status_code == 404, url
    logout = signed_in.get(reverse("account_logout")).content.decode()
    assert "Your HubSpot connection stays for your next sign-in" in logout and "navbar" in logout


@pytest.mark.django_db
def test_a_person_is_named_by_their_name_not_their_username(django_user_model):
    from allauth.account.utils import user_display

    lena = django_user_model.objects.create_user("lena.mueller", email="lena@example.de", first_name="Lena",
                                                 last_name="Müller")
    nameless = django_user_model.objects.create_user("jw", email="jonas@example.de")

    assert (user_display(lena), user_display(nameless)) == ("Lena Müller", "jonas@example.de")
