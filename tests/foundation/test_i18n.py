import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_switching_to_german_translates_the_page(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"}, follow=True)

    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "HubSpot-Meetings mit einem Formular anlegen" in content
    assert "Anmelden" in content


def test_browser_language_german_is_honoured(client):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert "HubSpot-Meetings mit einem Formular anlegen" in content


def test_english_is_the_default(client):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="en">' in content
