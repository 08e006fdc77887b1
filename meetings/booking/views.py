"""Thin views: bind, validate, call a service or selector, render. No HubSpot HTTP here."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubspot_api.errors import HUBSPOT_ERRORS, HubSpotAuthRequired
from hubspot_api.types import OBJECT_KINDS
from hubspot_login.flows import reauthenticate, restore_saved_form
from hubspot_login.services import hubspot_connection_language_remember
from meetings.audit.seal import RecordNotSealed
from meetings.booking.caches import fresh_form_fields, fresh_form_key
from meetings.booking.form_errors import add_hubspot_errors
from meetings.booking.forms import PORTAL_CHANGED, ConflictQueryForm, MeetingForm, initial_from_record
from meetings.booking.preview import meeting_preview_data
from meetings.booking.services import IdempotencyKeyInUse, SameMeetingBooked, meeting_create, meeting_create_again
from meetings.booking.template_controls import (
    APPLY_BUTTON,
    FILES_NOT_KEPT,
    SAVE_BUTTON,
    meeting_template_apply_page,
    meeting_template_save_page,
    template_form_context,
    template_initial,
)
from meetings.core.caches import NotAvailable
from meetings.core.models import MeetingRecord
from meetings.core.notices import outcome_notices_seen
from meetings.core.selectors import meeting_record_visible, recent_time_zones, upcoming_meetings
from meetings.core.timezones import old_zone_names, zone_choices
from meetings.portal import pickers
from meetings.portal.conflicts import (
    CHECK_SKIPPED_BUDGET,
    CHECK_SKIPPED_UNAVAILABLE,
    conflict_summary,
    meeting_conflicts,
)
from meetings.portal.prefill import linked_records


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what the app does and the sign-in. Signed in: "New meeting" and what is coming up."""
    context = {}
    if request.user.is_authenticated:
        context["upcoming"] = upcoming_meetings(viewer=request.user)
    return render(request, "meetings/home.html", context)


def _booking_blocked(request: HttpRequest, form_data) -> HttpResponse | None:
    """Where to send a rep who cannot book yet, or None when they can."""
    hubspot = getattr(request.user, "hubspot", None)
    if hubspot is None:
        return render(request, "meetings/not_connected.html", status=403)
    if not hubspot.has_tokens:
        # Disconnected, or HubSpot refused a refresh (perhaps in another tab): sign in again, keeping the form.
        return reauthenticate(request, form_data=form_data)
    if not hubspot.is_owner:
        return render(request, "meetings/not_owner.html", {"hubspot": hubspot}, status=403)
    return None


def _label_lookup(request: HttpRequest, known: dict[tuple[str, str], str]):
    """Names for record ids: from an earlier record first, then from what the pickers showed."""

    def lookup(kind: str, ids: list[str]) -> dict[str, str]:
        names = {i: known[(kind, i)] for i in ids if (kind, i) in known}
        missing = [i for i in ids if i not in names]
        if missing:
            names.update({hit.id: hit.label for hit in pickers.known_hits(request.user, kind, missing).values()})
        return names

    return lookup


def _zone_lookup(request: HttpRequest):
    """Zones of contacts the rep's HubSpot showed them (picker or prefill link), by id, where HubSpot has one."""

    def lookup(ids: list[str]) -> dict[str, str]:
        hits = pickers.known_hits(request.user, "contacts", ids).values()
        return {hit.id: zone for hit in hits if (zone := pickers.zone_of(hit))}

    return lookup


def _own_record(request: HttpRequest, pk) -> MeetingRecord:
    return get_object_or_404(meeting_record_visible(viewer=request.user), pk=pk)


def _initial(request: HttpRequest) -> tuple[dict, dict[tuple[str, str], str]]:
    """Start values: a failed record to try again, or associations (and zone) to keep; else nothing.

    A fresh form takes the browser's zone (the page sets it), never the zone of the last booking:
    one Vienna meeting must not make every later form start in Vienna.
    """
    source_pk = request.GET.get("retry") or request.GET.get("from")
    record = None
    if source_pk and source_pk.isdigit():
        record = meeting_record_visible(viewer=request.user).filter(pk=source_pk).first()
    if record is None:
        return _linked(request)
    initial = initial_from_record(record, everything="retry" in request.GET)
    return initial, {(a["type"], a["id"]): a["label"] for a in record.associations}


def _linked(request: HttpRequest) -> tuple[dict, dict[tuple[str, str], str]]:
    """Records a link from HubSpot names (`?contact=…&deal=…`), those the rep may see; the rest is said."""
    prefill = linked_records(request.user, request.GET)
    for message in prefill.messages():
        messages.warning(request, message)
    return prefill.chosen, prefill.labels


@require_http_methods(["GET", "POST"])
def meeting_create_view(request: HttpRequest) -> HttpResponse:
    form_data = request.POST if request.method == "POST" else None
    if not request.user.is_authenticated:
        if form_data is None:
            return redirect_to_login(request.get_full_path())
        # An expired session must not cost the rep what they typed.
        return reauthenticate(request, form_data=form_data)
    blocked = _booking_blocked(request, form_data)
    if blocked:
        return blocked
    try:
        return _meeting_form_page(request)
    except HubSpotAuthRequired:
        return reauthenticate(request, form_data=form_data)


def _meeting_form_page(request: HttpRequest) -> HttpResponse:
    options = pickers.form_options(request.user)
    owner_id = request.user.hubspot.owner_id
    if request.method == "POST" and SAVE_BUTTON in request.POST:
        labels = _label_lookup(request, {})
        return meeting_template_save_page(request, options=options, owner_id=owner_id, labels=labels)
    if request.method == "POST" and APPLY_BUTTON in request.POST:
        return meeting_template_apply_page(request, options=options, owner_id=owner_id,
                                           labels=_label_lookup(request, {}))
    context = {"options": options}  # the template controls join it only when a page is drawn (not on a create)
    if request.method == "POST":
        labels = _label_lookup(request, {})
        form = MeetingForm(request.POST, request.FILES, options=options, owner_id=owner_id, known_labels=labels,
                          known_zones=_zone_lookup(request))
        if form.is_valid() and _portal_unchanged(request, form):
            data = form.to_input(labels=labels)
            try:
                if (outcome := _submit(request, form, data)) is not None:
                    return outcome
            except SameMeetingBooked as asked:
                # Nothing was sent: the same form, with the same key, asks first and names what differs.
                return render(request, "meetings/meeting_form.html", {
                    "form": form, "same_as": asked.earlier, "differences": _differences(asked.earlier, data),
                    **context, **template_form_context(request)})
        _prepare_next_attempt(request, form)
        context["files_not_kept"] = [uploaded.name for uploaded in request.FILES.getlist("attachments")]
    elif (saved := restore_saved_form(request)) is not None:
        saved["idempotency_key"] = str(uuid.uuid4())
        saved["portal"] = str(request.user.hubspot.hub_id)
        form = MeetingForm(saved, options=options, owner_id=owner_id, known_labels=_label_lookup(request, {}),
                          known_zones=_zone_lookup(request))
        # A form parked across a sign-in keeps what was typed, never the files: name them so they are not missed.
        context["files_not_kept"] = [n for n in str(saved.get("attachment_names") or "").split("/") if n.strip()]
    else:
        initial, known = _initial(request)
        initial.update(template_initial(request, options=options, owner_id=owner_id))
        untouched = not initial and not known
        initial.update(idempotency_key=uuid.uuid4(), portal=request.user.hubspot.hub_id)
        form = MeetingForm(initial=initial, options=options, owner_id=owner_id,
                           known_labels=_label_lookup(request, known),
                           known_zones=_zone_lookup(request))
        if untouched:  # its fields may come drawn (booking/caches.py)
            context["form_fields"] = fresh_form_fields(form, fresh_form_key(options, owner_id))
    context["recent_zones"] = recent_time_zones(viewer=request.user)
    return render(request, "meetings/meeting_form.html", {"form": form, **context, **template_form_context(request)})


def _portal_unchanged(request: HttpRequest, form: MeetingForm) -> bool:
    """False, with the form saying so, when the rep's portal is not the one this page showed."""
    connection = request.user.hubspot
    shown = form.cleaned_data.get("portal")
    if shown is None or shown == connection.hub_id:
        return True
    form.add_error(None, PORTAL_CHANGED % {"portal": connection.hub_domain or connection.hub_id})
    return False


def _differences(earlier: MeetingRecord, data) -> dict[str, list[str]]:
    """The records this submit names that the earlier meeting does not, and those it leaves out."""
    def named(associations) -> dict[tuple[str, str], str]:
        return {(kind, str(record_id)): label or f"#{record_id}" for kind, record_id, label in associations}

    before = named((a["type"], a["id"], a.get("label")) for a in earlier.associations)
    now = named((a.kind, a.id, a.label) for a in data.associations)
    return {"added": [now[key] for key in now if key not in before],
            "left_out": [before[key] for key in before if key not in now]}


def _submit(request: HttpRequest, form: MeetingForm, data) -> HttpResponse | None:
    """Create the meeting; a redirect to its page, or None with HubSpot's refusal on the form."""
    hubspot_connection_language_remember(connection=request.user.hubspot, language=request.LANGUAGE_CODE)
    try:
        attempt = meeting_create(
            user=request.user, data=data, idempotency_key=form.cleaned_data["idempotency_key"],
            attachments=form.cleaned_data.get("attachments") or (), confirmed_same=_confirmed_same(request),
        )
    except IdempotencyKeyInUse:
        raise Http404 from None
    if not attempt.record.is_failed:
        return redirect("meeting_done", pk=attempt.record.pk)
    add_hubspot_errors(form, attempt.failure(), attempt.record.associations)
    return None


def _confirmed_same(request: HttpRequest) -> int | None:
    """The earlier meeting the rep said to book again ("Create another with the same details")."""
    value = request.POST.get("confirm_same", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _prepare_next_attempt(request: HttpRequest, form: MeetingForm) -> None:
    if request.FILES and "attachments" in form.fields:
        # Browsers never refill a file input: say so rather than let the files vanish silently.
        form.add_error("attachments", FILES_NOT_KEPT)
    # Whatever went wrong, the next submit is a new attempt: give it a new key, for the portal shown now.
    form.data = form.data.copy()
    form.data["idempotency_key"] = str(uuid.uuid4())
    form.data["portal"] = str(request.user.hubspot.hub_id)


@login_required
@require_POST
def meeting_create_again_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on a record HubSpot did not create: send the same meeting now."""
    record = _own_record(request, pk)
    if not record.may_create_now or record.user_id != request.user.pk:
        return redirect("meeting_done", pk=record.pk)
    blocked = _booking_blocked(request, None)
    if blocked:
        return blocked
    if record.hub_id != request.user.hubspot.hub_id:
        # What was sent names that portal's owner: it can only be created again from there.
        return redirect("meeting_done", pk=record.pk)
    try:
        attempt = meeting_create_again(user=request.user, record=record)
    except HubSpotAuthRequired:
        return reauthenticate(request)
    except RecordNotSealed:  # a row the app did not write: nothing is sent (logged; verify_audit names it)
        return redirect("meeting_done", pk=record.pk)
    return redirect("meeting_done", pk=attempt.record.pk)


# BREACH: the app compresses only answers that carry no secret (no CSRF token) — these JSON answers, each
# marked below. Every page carries a CSRF token (the language switcher's form at least) and shows what the
# rep typed, so pages are never compressed, by the app or by nginx (docs/deploy.md, "Compression").
safe_to_compress = gzip_page


@safe_to_compress
@login_required
@require_GET
def meeting_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the done and record pages poll while HubSpot's outcome is being checked."""
    record = _own_record(request, pk)
    outcome_notices_seen(viewer=request.user, record=record)  # the page reloads now, showing the outcome
    return JsonResponse({"status": record.status, "open": record.is_open, "checks": len(record.reconciliation)})


@login_required
@require_GET
def meeting_done(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_record(request, pk)
    outcome_notices_seen(viewer=request.user, record=record)
    return render(request, "meetings/meeting_done.html", {"record": record})


@safe_to_compress
@login_required
@require_GET
def picker_search(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in OBJECT_KINDS or getattr(request.user, "hubspot", None) is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    if len(query) < 2:
        return JsonResponse({"results": []})
    try:
        hits = pickers.search(request.user, kind, query)
    except pickers.SearchBudgetExhausted:
        return JsonResponse(
            {"results": [], "error": _("Many searches at once in your portal — keep typing, results follow.")},
            status=429,
        )
    except HUBSPOT_ERRORS:
        return JsonResponse(
            {"results": [], "error": _("HubSpot search is not available right now. The rest of the form still works.")},
            status=503,
        )
    return JsonResponse({"results": [{"value": h.id, "text": h.label, "detail": pickers.describe(h),
                                      "zone": pickers.zone_of(h)} for h in hits]})


@safe_to_compress
@cache_control(max_age=86400, public=True)
@require_GET
def timezones(request: HttpRequest) -> JsonResponse:
    """Every zone as the picker offers it, in the language and with the offsets of the day the URL names.

    Both come from the URL, not the request (`?lang=de&day=2026-12-06`): a public cache keeps one answer per URL.
    """
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    today = timezone.now().date()
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    if abs((day - today).days) > 1:  # the page's today in any zone; no other day is drawn (each costs ~0.2 s)
        day = today
    return JsonResponse({"zones": zone_choices(language, day), "old_names": old_zone_names()})


@safe_to_compress
@login_required
@require_GET
def meeting_preview(request: HttpRequest) -> JsonResponse:
    return JsonResponse(meeting_preview_data(request.GET))


@login_required
@require_GET
def meeting_conflicts_view(request: HttpRequest) -> JsonResponse:
    """Meetings that already hold the time being typed, for the rep and the chosen attendees: a warning only."""
    query = ConflictQueryForm(request.GET)
    if not query.is_valid():
        return JsonResponse({"conflicts": [], "errors": query.errors.get_json_data()}, status=400)
    hubspot = getattr(request.user, "hubspot", None)
    if hubspot is None or not hubspot.has_tokens:
        return JsonResponse({"conflicts": [], "skipped": str(CHECK_SKIPPED_UNAVAILABLE)})
    data = query.cleaned_data
    try:
        found = meeting_conflicts(user=request.user, start=data["start_utc"], end=data["end_utc"],
                                  attendee_ids=data["attendees"])
    except pickers.SearchBudgetExhausted:
        return JsonResponse({"conflicts": [], "skipped": str(CHECK_SKIPPED_BUDGET)})
    except (*HUBSPOT_ERRORS, NotAvailable):
        return JsonResponse({"conflicts": [], "skipped": str(CHECK_SKIPPED_UNAVAILABLE)})
    day = data["start_utc"].astimezone(data["zone"]).date()
    return JsonResponse({"conflicts": [conflict_summary(c, zone=data["zone"], day=day) for c in found]})
