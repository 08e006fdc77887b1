"""Meeting history: reps see their own records, admins everyone's (the CSV export: `meetings.history.export_views`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meetings.core.models import MeetingRecord
from meetings.core.notices import outcome_notices_seen, outcome_notices_unseen
from meetings.core.selectors import RecordFilters, can_view_all, meeting_record_get, meeting_record_list
from meetings.history import caches, display, verification
from meetings.history import pages as history_pages
from meetings.history.chart import weekly_chart
from meetings.history.rows import LISTED_COLUMNS, ListedRecord, history_rows_html
from meetings.history.selectors import meeting_record_summary

PAGE_SIZE = 25
# 250,000 rows deep. Beyond that a filter finds a record sooner than paging does, and the offset
# stays far inside what SQLite and PostgreSQL accept (a typed page=10**20 must not be a 500).
MAX_PAGE = 10_000


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


@dataclass
class RecordPage:
    """One page of records, newest first, as the list's rows, without counting all of them.

    A COUNT over a large filtered history costs more than the page itself; "newer" and
    "older" need only one row beyond the page.
    """

    records: list[ListedRecord]
    number: int
    has_next: bool

    @classmethod
    def of(cls, records: QuerySet[MeetingRecord], number) -> RecordPage:
        number = _page_number(number)
        offset = (number - 1) * PAGE_SIZE
        rows = [ListedRecord._make(values)
                for values in records.values_list(*LISTED_COLUMNS)[offset:offset + PAGE_SIZE + 1]]
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
    when = forms.ChoiceField(label=gettext_lazy("Show"), required=False, choices=[
        ("", gettext_lazy("Newest submitted first")), ("coming-up", gettext_lazy("Coming up, soonest first"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")

    def to_filters(self) -> RecordFilters:
        """The filters that validated. One bad value drops only itself: `ignored()` names it for the rep."""
        if not self.is_bound:
            return RecordFilters()
        self.is_valid()
        data = self.cleaned_data
        return RecordFilters(
            status=data.get("status") or "", submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"), text=(data.get("q") or "").strip(),
            rep_id=int(data["rep"]) if data.get("rep") else None,
            hub_id=int(data["portal"]) if data.get("portal") else None,
            coming_up=data.get("when") == "coming-up",
        )

    def summary(self) -> list[tuple[str, str]]:
        """The filters that apply, as (label, value) in words: what an export's confirmation names."""
        if not self.is_bound:
            return []
        self.is_valid()  # cleaned_data holds the fields that validated; the others are ignored, as by to_filters
        described = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict((str(key), label) for key, label in field.choices).get(str(value), value)
            elif hasattr(value, "year"):
                value = display.viewer_date(value, with_year=True)
            elif name == "q":
                value = f"“{value}”"
            described.append((str(field.label), str(value)))
        return described

    def ignored(self) -> list[str]:
        """Labels of the filters whose values were not understood."""
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


def _rep_name(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name and user.email else name or user.email or user.get_username()


class AdminRecordFilterForm(RecordFilterForm):
    when = None  # the admins' list and its export read the history as it was submitted
    rep = forms.TypedChoiceField(label=gettext_lazy("Rep"), required=False, coerce=int, empty_value=None)
    portal = forms.TypedChoiceField(label=gettext_lazy("Portal"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        # The export parses its query with this same form, choices included, so it applies exactly
        # the filters the list applied (a rep or portal the list does not offer is ignored by both).
        super().__init__(*args, **kwargs)
        for name in ("rep", "portal"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["rep"].choices = [("", _("All reps")), *caches.rep_choices(_reps)]
        portals = caches.portal_choices(_portals)
        if len(portals) > 1:
            self.fields["portal"].choices = [("", _("All portals")), *portals]
        else:  # one portal (or none yet): nothing to tell apart, so neither a filter nor a column for it
            del self.fields["portal"]

    @property
    def shows_portals(self) -> bool:
        return "portal" in self.fields


def _reps() -> list[tuple[int, str]]:
    reps = get_user_model().objects.filter(hubspot__isnull=False).order_by("email")
    # One shape for everyone, so a rep without a name does not stand out as a bare address.
    return [(user.pk, _rep_name(user)) for user in reps]


def _portals() -> list[tuple[int, str]]:
    # Every portal any record was made in: a scan of the records, hence cached.
    found = MeetingRecord.objects.order_by().values_list("hub_id", "hub_domain").distinct()
    return sorted({hub_id: domain or str(hub_id) for hub_id, domain in found}.items())


def _list_page(request: HttpRequest, *, everyone: bool) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)  # what the paging links and the export carry on
    draw = partial(_list_body, request, everyone=everyone, query=query.urlencode())
    if settings.HISTORY_PAGE_CACHE:
        body, ignored = history_pages.drawn_page(scope="all" if everyone else f"rep:{request.user.pk}",
                                                 query=request.GET.urlencode(), draw=draw)
    else:
        body, ignored = draw()
    if ignored:
        messages.warning(request, _("These filters were not understood and are ignored: %(filters)s")
                         % {"filters": ", ".join(ignored)})
    context = {"body": mark_safe(body),  # noqa: S308 - drawn by the template engine, which escaped it
               "everyone": everyone, "query": query.urlencode()}
    if not everyone:  # outside the drawn body too: opening a record takes it off this list, and writes no record
        # Called by the template only when the navigation's count is not 0.
        context["needing_you"] = partial(outcome_notices_unseen, viewer=request.user)
    if everyone:
        # Outside the drawn body: a verification is no write to the records, so the body would keep the old one.
        context["audit"] = verification.audit_state()
        context["verify"] = _verify_progress(request)
    return render(request, "history/record_list.html", context)


def _verify_progress(request: HttpRequest) -> verification.VerifyProgress | None:
    """The walk this admin asked for, while it runs (once more when it has ended, to say how)."""
    result_id = request.session.get(verification.SESSION_KEY)
    progress = verification.audit_verify_progress(result_id) if result_id else None
    if progress is None or progress.finished:
        request.session.pop(verification.SESSION_KEY, None)
    return progress


def _list_body(request: HttpRequest, *, everyone: bool, query: str) -> tuple[str, list[str]]:
    """The page below its heading, and the filters it ignored: the same for everyone in its scope."""
    form_class = AdminRecordFilterForm if everyone else RecordFilterForm
    form = form_class(request.GET or None)
    filters = form.to_filters()
    records = meeting_record_list(viewer=request.user, filters=filters, everyone=everyone)
    page = RecordPage.of(records, request.GET.get("page"))
    summary = meeting_record_summary(viewer=request.user, filters=filters, everyone=everyone)
    body = render_to_string("history/record_list_body.html", {
        "form": form, "page": page, "show_portal": everyone and form.shows_portals,
        "rows": history_rows_html(page.records, everyone=everyone, show_portal=everyone and form.shows_portals),
        "everyone": everyone, "query": query, "searching": bool(filters.text),
        "chart": weekly_chart(summary.weekly), "by_rep": summary.by_rep,
    }, request=request)
    return str(body), [str(label) for label in form.ignored()]


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
    outcome_notices_seen(viewer=request.user, record=record)
    return render(request, "history/record_detail.html", {"record": record})


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """"Verify now": the worker walks the chain; All meetings follows it (static/js/audit-verify.js)."""
    if not can_view_all(request.user):
        raise PermissionDenied
    request.session[verification.SESSION_KEY] = verification.audit_verify_start()
    return redirect("history_all")


@login_required
@require_GET
def audit_verify_status(request: HttpRequest, result_id: str) -> JsonResponse:
    if not can_view_all(request.user):
        raise PermissionDenied
    progress = verification.audit_verify_progress(result_id)
    if progress is None:
        raise Http404
    return JsonResponse({"status": progress.status, "finished": progress.finished, "percent": progress.percent,
                         "text": progress.text})

