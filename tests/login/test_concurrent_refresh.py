"""Concurrent requests of one rep with an expired token refresh once, not once each."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from hubspot_login.models import HubSpotConnection
from hubspot_login.tokens import hubspot_client
from tests.api_version import API_VERSION
from tests.login.conftest import refreshes, sign_in


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_an_expired_token_refresh_once(hubspot, client):
    sign_in(client)
    hubspot.expire_tokens()
    HubSpotConnection.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    user_id = get_user_model().objects.get().pk
    start = threading.Barrier(4)
    results, errors = [], []

    def call():
        try:
            user = get_user_model().objects.select_related("hubspot").get(pk=user_id)
            start.wait(5)  # all four hold the expired token before anyone refreshes
            results.append(len(hubspot_client(user).list_owners()))
        except Exception as error:  # reported below, with the thread's own error
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own database connection

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and results == [3, 3, 3, 3]
    assert refreshes(hubspot) == 1
    assert {r["status"] for r in hubspot.requests(path=f"/crm/owners/{API_VERSION}")} == {200}
