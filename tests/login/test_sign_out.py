"""Signing out clears the session; the HubSpot connection stays for the next sign-in."""

import pytest
from django.urls import reverse

from hubspot_login.models import HubSpotConnection

pytestmark = pytest.mark.django_db


def test_sign_out_clears_the_session(signed_in):
    session_key = signed_in.session.session_key

    response = signed_in.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session and signed_in.session.session_key != session_key
    assert signed_in.get(reverse("meeting_create"))["Location"].startswith(reverse("account_login"))
    assert HubSpotConnection.objects.get().has_tokens
