"""What a picker shows beside each record: enough to choose the right one, in the rep's language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def search(client, kind: str, query: str, language: str = "en") -> list[dict]:
    response = client.get(reverse("picker_search", args=[kind]), {"q": query}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_deal_shows_its_amount_with_currency_and_its_stage(rep_client, demo):
    deal = demo["deals"][0]

    found = next(r for r in search(rep_client, "deals", deal["dealname"][:8], "de") if r["value"] == deal["id"])

    amount = f"{int(deal['amount']):,}".replace(",", ".")  # German grouping
    assert found["detail"].startswith(f"{amount} EUR · ")
    assert found["detail"].split(" · ")[1] in {"Termin vereinbart", "Kaufbereit", "Vertrag gesendet"}


def test_a_contact_shows_email_and_company_and_a_ticket_its_status(rep_client, demo):
    contact, ticket = demo["contacts"][0], demo["tickets"][0]

    person = next(r for r in search(rep_client, "contacts", contact["email"][:10]) if r["value"] == contact["id"])
    case = next(r for r in search(rep_client, "tickets", ticket["subject"][:8]) if r["value"] == ticket["id"])

    assert person["detail"] == f'{contact["email"]} · {contact["company"]}'
    assert case["detail"] in {"New", "Waiting on contact", "Waiting on us"}
