"""No access or refresh token in any log line, page, audit record, allauth table or session."""

import logging

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.sessions.models import Session
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.conftest import meeting_post
from tests.login.conftest import sign_in


@pytest.mark.django_db
def test_a_full_flow_leaks_no_token(client, hubspot, caplog):
    caplog.set_level(logging.DEBUG)  # the root logger, everything: urllib3, allauth, django, ours
    pages = [sign_in(client, next_url=reverse("meeting_create"))]
    connection = HubSpotConnection.objects.get()
    seen_tokens = {connection.access_token, connection.refresh_token}
    pages.append(client.get(reverse("home")))  # the identity message and the navbar
    hubspot.expire_tokens()
    pages.append(client.get(reverse("meeting_create")))  # forces a refresh after a 401
    connection.refresh_from_db()
    seen_tokens |= {connection.access_token, connection.refresh_token}
    pages.append(client.post(reverse("meeting_create"), meeting_post()))
    record = MeetingRecord.objects.get()
    pages.append(client.get(reverse("meeting_done", args=[record.pk])))
    pages.append(client.post(reverse("hubspot_disconnect"), follow=True))  # revokes the refresh token

    assert record.status == MeetingRecord.Status.CREATED
    assert len(seen_tokens) == 3 and all(seen_tokens)  # two access tokens, one refresh token
    logged = "\n".join(
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''} {getattr(r, 'request', '')}" for r in caplog.records
    )
    assert f"HubSpot POST /scheduler/{API_VERSION}/meetings/calendar -> 200" in logged  # the log did capture the flow
    assert f"/oauth/{API_VERSION}/token/introspect" in logged and f"/oauth/{API_VERSION}/token/revoke" in logged
    stored_elsewhere = " ".join([
        str(MeetingRecord.objects.values().get()),
        str(list(SocialAccount.objects.values("extra_data"))),
        str(list(SocialToken.objects.values())),
        " ".join(str(s.get_decoded()) for s in Session.objects.all()),
        str(dict(client.session)),
    ])
    for token in seen_tokens:
        assert token not in logged
        assert token not in stored_elsewhere
        for page in pages:
            assert token.encode() not in page.content


@pytest.mark.django_db
def test_the_social_account_keeps_no_token(client, hubspot):
    sign_in(client)

    account = SocialAccount.objects.get()
    connection = HubSpotConnection.objects.get()
    assert account.uid == "5120001" and account.extra_data["hub_id"] == 24681357
    assert not {"token", "signed_access_token", "access_token", "refresh_token"} & set(account.extra_data)
    serialized = str(account.extra_data)
    assert connection.access_token not in serialized and connection.refresh_token not in serialized
    assert not SocialToken.objects.exists()


def test_a_connection_never_shows_its_tokens():
    connection = HubSpotConnection(
        hub_id=1, hubspot_user_id=2, email="rep@example.de", access_token="secret-access", refresh_token="secret-rt"
    )

    assert "secret" not in repr(connection) and "secret" not in str(connection)
