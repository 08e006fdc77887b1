"""Meeting history: reps see their own records, admins everyone's; CSV export for admins."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from meetings.chart import weekly_chart
from meetings.models import MeetingRecord
from meetings.selectors import (
    RecordFilters,
    can_view_all,
    meeting_record_counts_by_rep,
    meeting_record_get,
    meeting_record_list,
    meeting_record_weekly_counts,
)

PAGE_SIZE = 25


@dataclass
class RecordPage:
    """One page of records, newest first, without counting all of them.

    A COUNT over a large filtered history costs more than the page itself; "newer" and
    "older" need only one row beyond the page.
    """

    records: list
    number: int
    has_next: bool

    @classmethod
    def of(cls, records, number) -> RecordPage:
        number = int(number) if str(number or "").isdigit() and int(number) > 0 else 1
        offset = (number - 1) * PAGE_SIZE
        rows = list(records[offset:offset + PAGE_SIZE + 1])
        return cls(records=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)

    def __iter__(self):
        return iter(self.records)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


class RecordFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100,
                        help_text=gettext_lazy("Title or association names"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All")), *MeetingRecord.Status.choices])
    submitted_from = forms.DateField(label=gettext_lazy("Submitted from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    submitted_to = forms.DateField(label=gettext_lazy("Submitted until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")

    def to_filters(self) -> RecordFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return RecordFilters(
            status=data.get("status") or "", submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"), text=(data.get("q") or "").strip(),
            rep_id=int(data["rep"]) if data.get("rep") else None,
            hub_id=int(data["portal"]) if data.get("portal") else None,
        )


class AdminRecordFilterForm(RecordFilterForm):
    rep = forms.TypedChoiceField(label=gettext_lazy("Rep"), required=False, coerce=int, empty_value=None)
    portal = forms.TypedChoiceField(label=gettext_lazy("Portal"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, with_choices: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_choices:  # the export only reads the values: no need to list reps and portals
            self.fields["rep"] = forms.IntegerField(required=False)
            self.fields["portal"] = forms.IntegerField(required=False)
            return
        for name in ("rep", "portal"):
            self.fields[name].widget.attrs["class"] = "form-select"
        reps = get_user_model().objects.filter(hubspot__isnull=False).order_by("email")
        self.fields["rep"].choices = [("", _("All reps")), *((u.pk, u.get_full_name() or u.email) for u in reps)]
        self.fields["portal"].choices = [("", _("All portals")), *cache.get_or_set(PORTALS_CACHE_KEY, _portals, 300)]


PORTALS_CACHE_KEY = "history:portals"


def _portals() -> list[tuple[int, str]]:
    # Every portal any record was made in: a scan of the records, hence cached.
    found = MeetingRecord.objects.order_by().values_list("hub_id", "hub_domain").distinct()
    return sorted({hub_id: domain or str(hub_id) for hub_id, domain in found}.items())


def _list_page(request: HttpRequest, *, everyone: bool) -> HttpResponse:
    form_class = AdminRecordFilterForm if everyone else RecordFilterForm
    form = form_class(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("Some filters were not understood and are ignored."))
    records = meeting_record_list(viewer=request.user, filters=form.to_filters() if form.is_bound else RecordFilters(),
                                  everyone=everyone)
    page = RecordPage.of(records, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "history/record_list.html", {
        "form": form, "page": page, "everyone": everyone, "query": query.urlencode(),
        "chart": weekly_chart(meeting_record_weekly_counts(records)),
        "by_rep": meeting_record_counts_by_rep(records) if everyone else None,
        "statuses": MeetingRecord.Status,
    })


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    return _list_page(request, everyone=False)


@login_required
@require_GET
def all_meetings(request: HttpRequest) -> HttpResponse:
    if not can_view_all(request.user):
        raise PermissionDenied
    return _list_page(request, everyone=True)


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = meeting_record_get(viewer=request.user, pk=pk)
    except MeetingRecord.DoesNotExist:
        raise Http404 from None
    return render(request, "history/record_detail.html", {"record": record})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(records) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark makes spreadsheet programs read the file as UTF-8 (umlauts intact).
    yield "\ufeff" + writer.writerow([
        _("Submitted at (UTC)"), _("Rep"), _("Rep email"), _("Portal"), _("Status"), _("Title"),
        _("Start (UTC)"), _("End (UTC)"), _("Time zone"), _("Associations"), _("HubSpot meeting id"),
        _("HTTP status"), _("Error category"), _("Error message"), _("Correlation id"), _("HTTP attempts"),
        _("Duration (ms)"),
    ])
    labels = dict(MeetingRecord.Status.choices)
    for record in records.iterator(chunk_size=2000):
        yield writer.writerow([
            record.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            record.user.get_full_name(), record.user.email, record.hub_domain or record.hub_id,
            labels.get(record.status, record.status), record.title,
            record.start_at.isoformat(timespec="minutes"), record.end_at.isoformat(timespec="minutes"),
            record.time_zone, "; ".join(a.get("label") or a.get("id", "") for a in record.associations),
            record.hubspot_meeting_id, record.response_status or "", record.error_category, record.error_message,
            record.correlation_id, record.attempts, record.duration_ms if record.duration_ms is not None else "",
        ])


@login_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Exactly what the all-meetings list shows with the same filters, streamed row by row."""
    if not can_view_all(request.user):
        raise PermissionDenied
    form = AdminRecordFilterForm(request.GET or None, with_choices=False)
    records = meeting_record_list(viewer=request.user, filters=form.to_filters() if form.is_bound else RecordFilters(),
                                  everyone=True)
    response = StreamingHttpResponse(_csv_rows(records), content_type="text/csv; charset=utf-8")
    filename = f"meetings-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
