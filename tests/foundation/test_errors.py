import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_rejected_csrf_token_gets_a_friendly_page(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("rep", "rep@example.de"))

    response = client.post(reverse("meeting_create"), {"title": "x"})

    assert response.status_code == 403
    assert "Please send the form again" in response.content.decode()
    assert "Nothing was created" in response.content.decode()
