"""Filters, search, pages, the CSV export, the chart and constant query counts."""

import csv
import io
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hubspot_login.models import HubSpotConnection
from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [record.title for record in response.context["page"]]


def export_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # a BOM: spreadsheet programs read UTF-8 correctly
    text = raw.decode("utf-8-sig")
    # German exports are split at semicolons, as German spreadsheets expect; English ones at commas.
    german = response.wsgi_request.LANGUAGE_CODE == "de"
    assert (";" in text.splitlines()[0]) is german
    return list(csv.reader(io.StringIO(text), delimiter=";" if german else ","))


def test_newest_first(client, lena, record_factory):
    now = timezone.now()
    record_factory(user=lena, title="Alt", created_at=now - timedelta(days=2))
    record_factory(user=lena, title="Neu", created_at=now)
    client.force_login(lena)

    assert titles(client.get(reverse("history_mine"))) == ["Neu", "Alt"]


def test_filter_by_status(client, lena, record_factory):
    record_factory(user=lena, title="Gut", status=MeetingRecord.Status.CREATED)
    record_factory(user=lena, title="Schlecht", status=MeetingRecord.Status.FAILED)
    client.force_login(lena)

    assert titles(client.get(reverse("history_mine"), {"status": "failed"})) == ["Schlecht"]


def test_filter_by_date_range(client, lena, record_factory):
    today = timezone.localdate()
    record_factory(user=lena, title="Heute", created_at=timezone.now())
    record_factory(user=lena, title="Letzte Woche", created_at=timezone.now() - timedelta(days=7))
    client.force_login(lena)

    response = client.get(reverse("history_mine"), {"submitted_from": (today - timedelta(days=1)).isoformat(),
                                                     "submitted_to": today.isoformat()})

    assert titles(response) == ["Heute"]


def test_search_over_title_and_association_names_with_umlauts(client, lena, record_factory):
    record_factory(user=lena, title="Termin bei Müller GmbH", associations=[])
    record_factory(user=lena, title="Demo", associations=[{"type": "companies", "id": "1", "label": "Größe AG"}])
    record_factory(user=lena, title="Anderes", associations=[])
    client.force_login(lena)

    assert titles(client.get(reverse("history_mine"), {"q": "MÜLLER"})) == ["Termin bei Müller GmbH"]
    assert titles(client.get(reverse("history_mine"), {"q": "größe"})) == ["Demo"]
    assert titles(client.get(reverse("history_mine"), {"q": "GRÖSSE"})) == ["Demo"]  # ß is ss in capitals


def test_bad_filters_are_ignored_with_a_message(client, lena, record_factory):
    record_factory(user=lena, title="Termin")
    client.force_login(lena)

    response = client.get(reverse("history_mine"), {"submitted_from": "gestern", "status": "nonsense"})

    assert response.status_code == 200 and titles(response) == ["Termin"]
    assert "These filters were not understood and are ignored" in response.content.decode()


def test_admin_filters_by_rep_and_portal(client, admin_user, lena, jonas, record_factory):
    record_factory(user=lena, title="Lenas", hub_id=1)
    record_factory(user=jonas, title="Jonas", hub_id=2)
    from hubspot_login.models import HubSpotConnection

    for user in (lena, jonas):
        HubSpotConnection.objects.create(user=user, hub_id=1, hubspot_user_id=1)
    client.force_login(admin_user)

    assert titles(client.get(reverse("history_all"), {"rep": lena.pk})) == ["Lenas"]
    assert titles(client.get(reverse("history_all"), {"portal": 2})) == ["Jonas"]


def test_pagination(client, lena, record_factory):
    for i in range(30):
        record_factory(user=lena, title=f"Termin {i}")
    client.force_login(lena)

    first, second = client.get(reverse("history_mine")), client.get(reverse("history_mine"), {"page": 2})

    assert len(titles(first)) == 25 and len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))


def test_the_list_shows_names_status_text_and_hubspot_links(client, lena, record_factory, settings):
    record = record_factory(user=lena, title="Termin", associations=[
        {"type": "contacts", "id": "7", "label": "Anna Schröder"}, {"type": "deals", "id": "8", "label": "Lizenzen"},
    ])
    client.force_login(lena)

    content = client.get(reverse("history_mine")).content.decode()

    assert "<bdi>Anna Schröder</bdi>, <bdi>Lizenzen</bdi>" in content  # each name isolated from the next
    assert '<span class="badge text-bg-success" data-status="created">Created</span>' in content
    assert f"/contacts/{record.hub_id}/record/0-47/{record.hubspot_meeting_id}" in content
    # The start in the viewer's zone (UTC until the browser names one), as is every time in the list.
    assert f"{record.start_at.astimezone(UTC):%-d %b %Y, %H:%M}" in content and "Times in UTC." in content


def test_csv_is_what_the_filtered_list_shows_with_umlauts_intact(client, admin_user, lena, record_factory):
    record_factory(user=lena, title="Größenplanung mit Jürgen Weiß", status=MeetingRecord.Status.FAILED,
                   error_category="VALIDATION_ERROR", correlation_id="abc-123")
    record_factory(user=lena, title="Anderer Termin", status=MeetingRecord.Status.CREATED)
    client.force_login(admin_user)

    response = client.get(reverse("history_export"), {"status": "failed"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment; filename=" in response["Content-Disposition"]
    header, *rows = export_rows(response)
    assert header[:6] == ["Submitted at (UTC)", "Rep", "Rep email", "Portal", "Status", "Title"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Title"] == "Größenplanung mit Jürgen Weiß"
    assert row["Rep"] == "Lena Müller" and row["Status"] == "Failed"
    assert row["Error category"] == "VALIDATION_ERROR" and row["Correlation id"] == "abc-123"
    assert row["Associations"] == "Anna Schröder"


def test_csv_headers_follow_the_users_language(client, admin_user, lena, record_factory):
    record_factory(user=lena, title="Termin", status=MeetingRecord.Status.CREATED)
    client.force_login(admin_user)

    response = client.get(reverse("history_export"), HTTP_ACCEPT_LANGUAGE="de")

    header, row = export_rows(response)
    assert header[:6] == ["Abgeschickt am (UTC)", "Vertriebsmitarbeiter:in", "E-Mail", "Portal", "Status", "Titel"]
    assert row[4] == "Angelegt"


def test_the_chart_draws_bars_for_the_statuses_present(client, lena, record_factory):
    record_factory(user=lena, status=MeetingRecord.Status.CREATED)
    record_factory(user=lena, status=MeetingRecord.Status.CREATED)
    record_factory(user=lena, status=MeetingRecord.Status.FAILED)
    client.force_login(lena)

    content = client.get(reverse("history_mine")).content.decode()

    assert '<svg viewBox=' in content
    assert 'data-status="created" data-count="2"' in content
    assert 'data-status="failed" data-count="1"' in content
    assert 'data-status="unknown"' not in content


def test_admins_see_counts_per_rep(client, admin_user, lena, jonas, record_factory):
    record_factory(user=lena, status=MeetingRecord.Status.FAILED)
    record_factory(user=jonas)
    client.force_login(admin_user)

    by_rep = client.get(reverse("history_all")).context["by_rep"]

    assert {(r["name"], r["total"]) for r in by_rep} == {("Lena Müller", 1), ("Jonas Weiß", 1)}


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(client, lena, record_factory, django_assert_num_queries, rows):
    for _ in range(rows):
        record_factory(user=lena)
    client.force_login(lena)
    client.get(reverse("history_mine"))  # session warm

    # The same for 3 rows as for 30: the user, their connection, their permissions (the nav's link to all
    # meetings, asked on every page), the nav's count of meetings that need them, and the page; the chart comes
    # from the cache the first view filled.
    with django_assert_num_queries(5):
        client.get(reverse("history_mine"), {"page": 1})
    # Viewed again, no record changed: the page drawn before (meetings/history/pages.py).
    with django_assert_num_queries(4):
        client.get(reverse("history_mine"), {"page": 1})


@pytest.mark.parametrize("rows", [3, 30])
def test_the_admin_list_and_export_run_a_constant_number_of_queries(
    client, admin_user, lena, record_factory, django_assert_num_queries, rows
):
    for _ in range(rows):
        record_factory(user=lena)
    client.force_login(admin_user)
    client.get(reverse("history_all"))

    # The same for 3 rows as for 30: the user, their connection, their permissions (one query), the nav's count
    # of meetings that need them, the audit chain's last verification and the page; the chart and the per-rep
    # counts, and the rep and portal choices, come from the cache the first view filled.
    with django_assert_num_queries(6):
        client.get(reverse("history_all"), {"page": 1})
    # Viewed again, no record changed: the page drawn before; the user, connection, permissions and count remain,
    # and the audit chain's last verification, which is no write to the records and so drawn outside the page.
    with django_assert_num_queries(5):
        client.get(reverse("history_all"), {"page": 1})
    # The same for 3 rows as for 30: the rows stream from one query; the rep choices are the list's (cached),
    # so that the export validates its filters exactly as the list did; one count, up to the bound of what
    # may stream, decides between streaming and a job for the worker; besides, the user, their connection and
    # their permissions. On PostgreSQL three more: JIT compilation off for the export's batches, the newest row
    # and where the (one) batch ends, which bound each batch's COPY on both sides.
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 5):
        response = client.get(reverse("history_export"))
        assert len(export_rows(response)) == rows + 1


def test_submitted_times_show_in_the_viewers_zone_and_name_it(client, lena, record_factory):
    record = record_factory(user=lena, title="Zonen")
    client.force_login(lena)

    in_utc = client.get(reverse("history_mine")).content.decode()
    client.cookies["viewer_tz"] = "America/New_York"
    in_new_york = client.get(reverse("history_mine")).content.decode()
    detail = client.get(reverse("history_detail", args=[record.pk])).content.decode()

    local = record.created_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{record.created_at.astimezone(UTC):%-d %b %Y, %H:%M}</td>" in in_utc and "Times in UTC." in in_utc
    assert f"{local:%-d %b %Y, %H:%M}</td>" in in_new_york and "Times in America/New_York." in in_new_york
    # Named once per page, not in every cell.
    assert in_new_york.count("America/New_York") == 1
    assert f"on {local:%-d %b %Y, %H:%M}." in detail and "Times in America/New_York." in detail


def test_an_unknown_viewer_zone_falls_back_to_utc(client, lena, record_factory):
    record_factory(user=lena, title="Zonen")
    client.force_login(lena)
    client.cookies["viewer_tz"] = "Mars/Olympus"

    assert "Times in UTC." in client.get(reverse("history_mine")).content.decode()


def test_admins_see_values_on_the_chart_names_in_one_shape_and_the_rep_table_open(
        client, admin_user, lena, make_user, record_factory):
    nameless = make_user("x@example.de")
    for number, rep in enumerate((lena, nameless)):  # reps are the people connected to HubSpot
        HubSpotConnection.objects.create(user=rep, hub_id=24681357, hubspot_user_id=5120010 + number)
    record_factory(user=lena, title="Eins")
    record_factory(user=lena, title="Zwei")
    record_factory(user=nameless, title="Drei")
    client.force_login(admin_user)

    content = client.get(reverse("history_all")).content.decode()

    assert 'class="chart-value">3</text>' in content  # this week's bar says how many
    assert f">Lena Müller ({lena.email})</option>" in content and ">x@example.de</option>" in content
    assert '<details class="mb-3" open>' in content


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_id_a_filter_points_to_is_on_the_page(client, admin_user, lena, record_factory, language):
    import re

    record_factory(user=lena)
    client.force_login(admin_user)
    page = client.get(reverse("history_all"), {"submitted_from": "gestern", "q": "Müller"},
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()

    described = {name for ids in re.findall(r'aria-describedby="([^"]+)"', page) for name in ids.split()}
    assert {"id_q_helptext", "id_submitted_from_error"} <= described  # the widgets do point to them
    assert all(f'id="{name}"' in page for name in described)
