"""403, 404 and 500 in the product's frame, in the request's language, with landmarks (axe: tests/accessibility)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.failing_urls")]


def landmarks(html: str) -> bool:
    return "<main" in html and ('<nav' in html or "<header" in html) and "<footer" in html


@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("de", "Etwas ist schiefgelaufen")])
def test_the_500_page_speaks_the_requests_language(language, heading):
    client = Client(raise_request_exception=False)

    response = client.get("/fails/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()

    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and heading in html and landmarks(html)
    assert "css/app.css" in html  # the product's look


@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("de", "Seite nicht gefunden")])
def test_the_404_page(client, language, heading):
    html = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<html lang="{language}">' in html and heading in html and landmarks(html)


def test_the_403_page_in_german(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("rep", "rep@example.de"))

    response = client.get("/meetings/all/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    assert '<html lang="de">' in response.content.decode() and landmarks(response.content.decode())
