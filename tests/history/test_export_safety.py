"""The CSV export is safe to open in a spreadsheet and applies exactly the list's filters."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db


def export_rows(response) -> list[list[str]]:
    delimiter = ";" if response.wsgi_request.LANGUAGE_CODE == "de" else ","  # German exports: semicolons
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example","Klick")', "+1+2", "-2+3", "@SUM(A1)"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(client, admin_user, lena, record_factory, title):
    record_factory(user=lena, title=title, associations=[{"type": "contacts", "id": "1", "label": "=1+1"}])
    client.force_login(admin_user)

    header, row = export_rows(client.get(reverse("history_export")))
    row = dict(zip(header, row, strict=True))

    assert row["Title"] == "'" + title
    assert row["Associations"] == "'=1+1"


def test_bidirectional_controls_cannot_reorder_the_cells_after_them(client, admin_user, make_user, record_factory):
    rep = make_user("rtl@example.de", first_name="Anna", last_name="\u202eredörhcS")
    record_factory(user=rep, title="\u2067\u202e=1+1", associations=[
        {"type": "contacts", "id": "1", "label": "Anna \u202eredörhcS"}, {"type": "companies", "id": "2", "label": "GmbH"}])
    client.force_login(admin_user)

    header, row = export_rows(client.get(reverse("history_export")))
    row = dict(zip(header, row, strict=True))

    assert not any(char in cell for cell in row.values() for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert row["Title"] == "'=1+1"  # what the override hid is still defused
    assert row["Associations"] == "Anna redörhcS; GmbH"


def test_ordinary_text_is_left_alone(client, admin_user, lena, record_factory):
    record_factory(user=lena, title="Kick-off – Größe 2027", status=MeetingRecord.Status.CREATED)
    client.force_login(admin_user)

    header, row = export_rows(client.get(reverse("history_export")))

    assert dict(zip(header, row, strict=True))["Title"] == "Kick-off – Größe 2027"


def test_headers_are_in_the_requests_language_even_when_streamed_later(client, admin_user, lena, record_factory):
    record_factory(user=lena, title="Termin", status=MeetingRecord.Status.FAILED)
    client.force_login(admin_user)

    response = client.get(reverse("history_export"), HTTP_ACCEPT_LANGUAGE="de")
    with translation.override("en"):  # whatever the streaming thread has active by then
        header, row = export_rows(response)

    assert header[0] == "Abgeschickt am (UTC)" and row[4] == "Fehlgeschlagen"


def test_a_filter_the_list_ignores_the_export_ignores_too(client, admin_user, lena, jonas, record_factory):
    record_factory(user=lena, title="Lenas")
    record_factory(user=jonas, title="Jonas")
    client.force_login(admin_user)
    # Jonas never connected HubSpot, so the list does not offer him as a rep: the filter is ignored.
    params = {"rep": jonas.pk}

    listed = [record.title for record in client.get(reverse("history_all"), params).context["page"]]
    exported = [row[5] for row in export_rows(client.get(reverse("history_export"), params))[1:]]

    assert listed == exported and sorted(exported) == ["Jonas", "Lenas"]
