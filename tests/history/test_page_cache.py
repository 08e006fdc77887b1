"""The history's pages are drawn once per state of the records (meetings/history/pages.py), and never stale.

Each test views a page (so it is drawn and kept), changes what it shows by one of the ways records
change, and views it again: the change must show at once.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from meetings.audit import chain as audit
from meetings.history import caches as history_caches
from meetings.models import MeetingRecord


def page(client, name: str = "history_mine", **params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> str:
    """The records table alone (the chart and per-rep counts follow their own interval)."""
    return html[html.index('data-testid="records"'):].split("</table>", 1)[0]


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def drawn_pages() -> int:
    from django.core.cache import caches

    return len(caches["history_pages"]._cache)


def test_a_second_view_is_the_page_drawn_for_the_first(client, lena, record_factory, django_assert_num_queries):
    record_factory(user=lena, title="Kick-off Zeiss")
    client.force_login(lena)
    first = page(client)

    # The session's user, their connection and permissions, the nav's count of their unseen outcomes: no records read.
    with django_assert_num_queries(4):
        second = page(client)

    assert without_tokens(second) == without_tokens(first) and "Kick-off Zeiss" in second
    assert drawn_pages() == 1


def test_a_new_record_shows_at_once(client, lena, record_factory):
    record_factory(user=lena, title="Erstes Treffen")
    client.force_login(lena)
    assert "Zweites Treffen" not in page(client)

    record_factory(user=lena, title="Zweites Treffen")

    assert "Zweites Treffen" in page(client)


def test_a_status_settled_by_an_update_shows_at_once(client, lena, record_factory):
    # The worker and reconciliation settle records with queryset updates, which send no post_save.
    record = record_factory(user=lena, status=MeetingRecord.Status.UNKNOWN)
    client.force_login(lena)
    assert 'data-status="unknown"' in rows(page(client))

    MeetingRecord.objects.filter(pk=record.pk).update(status=MeetingRecord.Status.NOT_CREATED)

    shown = rows(page(client))
    assert 'data-status="not_created"' in shown and 'data-status="unknown"' not in shown


def test_a_bulk_update_shows_at_once(client, lena, record_factory):
    record = record_factory(user=lena, title="Vor der Schwärzung")
    client.force_login(lena)
    assert "Vor der Schwärzung" in page(client)

    record.title = "Nach der Schwärzung"
    MeetingRecord.objects.bulk_update([record], ["title"])

    assert "Nach der Schwärzung" in page(client)


def test_a_deleted_record_goes_at_once(client, lena, record_factory):
    record_factory(user=lena, title="Bleibt")
    gone = record_factory(user=lena, title="Geht")
    client.force_login(lena)
    assert "Geht" in page(client)

    MeetingRecord.objects.filter(pk=gone.pk).delete()

    shown = page(client)
    assert "Bleibt" in shown and "Geht" not in shown


def test_a_rep_renamed_shows_in_the_admins_rows_at_once(client, admin_user, lena, record_factory):
    record_factory(user=lena)
    client.force_login(admin_user)
    assert "Lena Müller" in rows(page(client, "history_all"))

    lena.last_name = "Schmidt"
    lena.save()

    shown = rows(page(client, "history_all"))
    assert "Lena Schmidt" in shown and "Lena Müller" not in shown


def test_a_sign_in_does_not_draw_the_pages_again(lena, record_factory):
    record_factory(user=lena)
    version = history_caches.records_version()

    Client().force_login(lena)  # saves last_login, which no page shows

    assert history_caches.records_version() == version


def test_a_newly_connected_rep_draws_the_admins_page_again(admin_user, lena):
    version = history_caches.records_version()

    HubSpotConnection.objects.create(user=lena, hub_id=24681357, hubspot_user_id=5120001)

    assert history_caches.records_version() != version


def test_a_verification_of_the_audit_chain_shows_at_once(client, admin_user, lena, record_factory):
    record_factory(user=lena)
    client.force_login(admin_user)
    assert "The audit trail has not been verified yet." in page(client, "history_all")

    audit.verification_record(audit.Verification(checked=1, seconds=0.005))  # sealed, as every run stores it

    assert "the chain holds" in page(client, "history_all")


def test_the_version_changes_again_when_the_write_commits(lena, record_factory, django_capture_on_commit_callbacks):
    # A page drawn between the write and its commit read the records without it: it must not be served after.
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        record_factory(user=lena)
        during = history_caches.records_version()

    for callback in on_commit:
        callback()

    assert history_caches.records_version() != during


def test_each_rep_gets_their_own_page_for_the_same_query(client, lena, jonas, record_factory):
    record_factory(user=lena, title="Lenas Termin")
    record_factory(user=jonas, title="Jonas' Termin")
    client.force_login(lena)
    assert "Lenas Termin" in page(client, status="created")

    client.force_login(jonas)
    shown = page(client, status="created")

    assert "Jonas" in shown and "Lenas Termin" not in shown


def test_each_language_and_time_zone_gets_its_own_page(client, lena, record_factory):
    record_factory(user=lena)
    client.force_login(lena)

    english = page(client)
    german = client.get(reverse("history_mine"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    client.cookies["viewer_tz"] = "America/New_York"
    new_york = page(client)

    assert ">Title</th>" in english and ">Titel</th>" in german
    assert "Times in UTC." in english and "Times in America/New_York." in new_york


def test_the_drawn_page_holds_no_csrf_token_and_each_admin_can_export(admin_user, make_user, lena, record_factory):
    from django.core.management import call_command

    record_factory(user=lena)
    second_admin = make_user("zweite@example.de")
    call_command("grant_meeting_admin", second_admin.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = Client()
    first.force_login(admin_user)
    page(first, "history_all")

    second = Client(enforce_csrf_checks=True)
    second.force_login(second_admin)
    shown = page(second, "history_all")
    token = re.search(r'<form method="post" action="[^"]*export[^"]*">\s*<input type="hidden" '
                      r'name="csrfmiddlewaretoken" value="([^"]+)"', shown)

    assert drawn_pages() == 1  # the second admin was served the page drawn for the first
    assert token, "the export form carries the viewer's own token"
    exported = second.post(reverse("history_export"), {"csrfmiddlewaretoken": token.group(1)})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("cached", [True, False])
def test_without_the_page_cache_every_view_reads_the_records(client, lena, record_factory, settings,
                                                              django_assert_num_queries, cached):
    settings.HISTORY_PAGE_CACHE = cached
    record_factory(user=lena)
    client.force_login(lena)
    page(client)

    with django_assert_num_queries(4 if cached else 5):
        page(client)


def test_a_filter_not_understood_is_named_on_every_view_of_the_page(client, lena, record_factory):
    record_factory(user=lena)
    client.force_login(lena)

    views = [page(client, submitted_from="gestern") for _ in range(2)]

    assert drawn_pages() == 1
    assert all("These filters were not understood and are ignored: Submitted from" in shown for shown in views)


def test_a_cache_that_fails_never_fails_the_write(lena, record_factory, monkeypatch, caplog):
    class Unreachable:
        def set(self, *args, **kwargs):
            raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(history_caches, "cache", Unreachable())

    record = record_factory(user=lena, title="Trotzdem gespeichert")

    assert MeetingRecord.objects.get(pk=record.pk).title == "Trotzdem gespeichert"
    assert "history pages may show records as they were" in caplog.text
