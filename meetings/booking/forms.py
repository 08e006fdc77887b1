"""The meeting form: what a rep types, validated and turned into a `MeetingInput`.

No HTTP here: the choices that come from HubSpot (outcomes, activity types, owners,
association labels) are handed in as `MeetingFormOptions` by the view. HubSpot's
refusals are put on the form's fields by `meetings.booking.form_errors`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from hubspot_api.types import OBJECT_KINDS
from meetings.core.payload import Association, MeetingInput, Reminder, form_values_from_request
from meetings.core.timezones import NonexistentLocalTime, get_zone, occurrences, reminder_offset, resolve_local
from meetings.portal.options import DEFAULT_OUTCOMES, MeetingFormOptions

MAX_REMINDERS = 3  # HubSpot's own UI allows three
MAX_REMINDER_NUMBER = 99
# A meeting is booked within these years around today (`meeting_window`).
MEETING_YEARS_BACK = 5
MEETING_YEARS_AHEAD = 10
DEFAULT_REMINDERS = [{"number": 1, "unit": "HOURS"}]
# A fresh form's length: the End field then follows it, folded away, until the rep opens it.
DEFAULT_DURATION = 30
MAX_ASSOCIATIONS_PER_KIND = 25
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
RECORD_ID = re.compile(r"^\d{1,20}$")

STANDARD_OUTCOMES = {option.value: option.label for option in DEFAULT_OUTCOMES}
KIND_LABELS = {
    "contacts": _("Contacts"),
    "companies": _("Companies"),
    "deals": _("Deals"),
    "tickets": _("Tickets"),
}
KIND_PLACEHOLDERS = {
    "contacts": _("Type a name or email…"),
    "companies": _("Type a company name or domain…"),
    "deals": _("Type a deal name…"),
    "tickets": _("Type a ticket subject…"),
}
DURATIONS = [15, 30, 45, 60, 90, 120]


def _minutes(minutes: int) -> str:
    return ngettext("%(minutes)d minute", "%(minutes)d minutes", minutes) % {"minutes": minutes}


# Formatted when rendered, in the rep's language (a `%` on a lazy text would fix it at import, in English).
minutes_label = lazy(_minutes, str)

NONEXISTENT_TIME = _(
    "%(time)s does not exist in %(zone)s: the clocks skip that hour for daylight-saving time. "
    "Choose a time before or after it."
)
AMBIGUOUS_TIME = _(
    "%(time)s happens twice in %(zone)s: the clocks go back that night. Choose which one you mean."
)
OCCURRENCE_CHOICES = [("first", _("the first, %(first)s")), ("second", _("the second, %(second)s"))]
PORTAL_CHANGED = _(
    "Since this page was opened you signed in to another HubSpot portal (%(portal)s), and the meeting would be "
    "created there. Nothing was sent. Check the form — it now books into %(portal)s — and send it again."
)
OUTSIDE_WINDOW = _("Choose a date between %(first)s and %(last)s.")
END_BEFORE_START = _("The end must be after the start.")
END_OR_DURATION = _("Enter an end or choose a duration.")
UNKNOWN_ZONE = _("Choose a time zone from the list (e.g. Europe/Berlin).")
REMINDER_DUPLICATE = _("This reminder is the same as another one.")
REMINDER_IN_PAST = _("This reminder would go out in the past (%(when)s).")
INVALID_RECORD_ID = _("This selection is not a valid HubSpot record.")
NOTHING_FOUND = _("Nothing found in HubSpot.")


def fields_helper(layout: Layout) -> FormHelper:
    """A crispy helper for fields inside a `<form>` the page draws itself (its CSRF token included).

    Its template draws the layout alone: the page states a form's own (non-field) errors where the rep
    is taken to them (meeting_form.html's alert, a reminder's row), not a second time at the top.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.template = "meetings/layout/fields.html"
    helper.layout = layout
    return helper


def _section(legend, *fields) -> Fieldset:
    """A group of the form's fields under a small legend (no card: the page fits about one screen)."""
    return Fieldset(legend, *fields, template="meetings/layout/section.html")


class Fold(Div):
    """Fields a rep rarely needs, folded away under a `<details>` summary: opened by click, Enter or Space.

    Closed, its controls take no Tab stop. `open` unfolds it (an error inside, a value the rep gave).
    """

    template = "meetings/layout/fold.html"

    def __init__(self, summary, *fields, open: bool = False, **kwargs):
        super().__init__(*fields, **kwargs)
        self.summary, self.open = summary, open


def _include(template_name: str) -> HTML:
    """A part of the form that is not a field (a counter, a status line), from its own template."""
    return HTML(f'{{% include "{template_name}" %}}')


def meeting_window(today: date | None = None) -> tuple[date, date]:
    """The first and last day a meeting may be on: years around today, never the edges of what a date can hold.

    Near year 1 or 9999 moving a time into a zone, by a duration or a reminder overflows; no meeting is booked
    there.
    """
    today = today or timezone.now().date()
    return date(today.year - MEETING_YEARS_BACK, 1, 1), date(today.year + MEETING_YEARS_AHEAD, 12, 31)


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form's chosen zone applies later."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        with timezone.override(UTC):
            aware = super().to_python(value)
        return aware.replace(tzinfo=None) if aware else None

    def validate(self, value):
        super().validate(value)
        first, last = meeting_window()
        if value is not None and not first <= value.date() <= last:
            raise forms.ValidationError(OUTSIDE_WINDOW, code="outside_window",
                                        params={"first": formats.date_format(first), "last": formats.date_format(last)})


class RecordPickerSelect(forms.SelectMultiple):
    """Django's multiple select, then the status line the page's search writes to (static/js/meeting-form.js)."""

    template_name = "meetings/widgets/record_picker.html"


class RecordPickerBoundField(forms.BoundField):
    """A picker is described by the search hint above the pickers and its own status line, then its error."""

    @property
    def aria_describedby(self) -> str:
        return " ".join(["picker-help", f"{self.auto_id}_status", *([f"{self.auto_id}_error"] if self.errors else [])])


class RecordPickerField(forms.MultipleChoiceField):
    """HubSpot record ids chosen in a search-as-you-type picker (choices are not known up front)."""

    widget = RecordPickerSelect
    bound_field_class = RecordPickerBoundField

    def valid_value(self, value) -> bool:
        return bool(RECORD_ID.match(str(value)))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_ASSOCIATIONS_PER_KIND:
            raise forms.ValidationError(
                _("Choose at most %(limit)d."), params={"limit": MAX_ASSOCIATIONS_PER_KIND}, code="too_many"
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        if len(cleaned) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(limit)d files."), params={"limit": MAX_ATTACHMENTS})
        for uploaded in cleaned:
            if uploaded.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than 20 MB."), params={"name": uploaded.name}, code="too_large"
                )
        return cleaned


# A reminder's unit as the row reads it after its number: "1 hour before", "2 hours before".
UNIT_BEFORE = {
    "MINUTES": ngettext_lazy("minute before", "minutes before", "number"),
    "HOURS": ngettext_lazy("hour before", "hours before", "number"),
    "DAYS": ngettext_lazy("day before", "days before", "number"),
    "WEEKS": ngettext_lazy("week before", "weeks before", "number"),
}


# A reminder as a sentence names it: "1 hour", "2 days" (the done and record pages add "before").
REMINDER_WORDS = {
    "MINUTES": ngettext_lazy("%(number)d minute", "%(number)d minutes", "number"),
    "HOURS": ngettext_lazy("%(number)d hour", "%(number)d hours", "number"),
    "DAYS": ngettext_lazy("%(number)d day", "%(number)d days", "number"),
    "WEEKS": ngettext_lazy("%(number)d week", "%(number)d weeks", "number"),
}


def reminder_words(number: int, unit: str) -> str:
    words = REMINDER_WORDS.get(unit)
    return words % {"number": number} if words is not None else f"{number} {unit}"


class BeforeSelect(forms.Select):
    """The units in the plural of the row's number; each option carries both forms for the page's script."""

    number = 2  # the plural, for a row without a number yet

    def create_option(self, name, value, label, *args, **kwargs):
        option = super().create_option(name, value, label, *args, **kwargs)
        unit = UNIT_BEFORE.get(value)
        if unit is not None:
            option["label"] = unit % {"number": self.number}
            option["attrs"].update({"data-one": unit % {"number": 1}, "data-other": unit % {"number": 2}})
        return option


class ReminderBoundField(forms.BoundField):
    """A row's own errors (the same as another, in the past) mark its controls and describe them too."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.non_field_errors():
            widget = widget or self.field.widget
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = " ".join(filter(None, [attrs.get("aria-describedby"), row_error_id(self.form)]))
            if not self.errors:  # crispy marks a field with errors of its own already
                attrs["class"] = " ".join(filter(None, [widget.attrs.get("class"), "is-invalid"]))
        return attrs


def row_error_id(reminder: forms.Form) -> str:
    return f"{reminder.prefix}-error"


class ReminderForm(forms.Form):
    bound_field_class = ReminderBoundField
    number = forms.IntegerField(label=_("Remind"), min_value=1, max_value=MAX_REMINDER_NUMBER,
                                widget=forms.NumberInput(attrs={"class": "reminder-number"}))
    unit = forms.ChoiceField(
        label=_("Unit"), widget=BeforeSelect(attrs={"class": "reminder-unit"}),
        choices=[("MINUTES", _("minutes")), ("HOURS", _("hours")), ("DAYS", _("days")), ("WEEKS", _("weeks"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = self["number"].value()
        self.fields["unit"].widget.number = int(number) if str(number).isdigit() else 2

    @property
    def helper(self) -> FormHelper:
        return fields_helper(Layout(Column("number", css_class="col-auto"), Column("unit", css_class="col-auto")))


class BaseReminderFormSet(forms.BaseFormSet):
    # Django's own words ("Please submit at most 3 forms.") say nothing to a rep.
    default_error_messages = {"too_many_forms": _("HubSpot allows at most %(num)d reminders.")}


ReminderFormSet = forms.formset_factory(
    ReminderForm, formset=BaseReminderFormSet, extra=0, max_num=MAX_REMINDERS, validate_max=True,
    absolute_max=MAX_REMINDERS, can_delete=False,
)


class MeetingForm(forms.Form):
    # HubSpot's own answer to a refused or failed create (meetings/booking/form_errors.py): shown folded away.
    technical_details = ""
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # The portal the page showed: a sign-in to another portal elsewhere must not redirect this booking.
    portal = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=255)
    time_zone = forms.CharField(
        label=_("Time zone"), max_length=64,
        widget=forms.Select(attrs={"data-zone-picker": True, "data-placeholder": _("City, country or zone"),
                                   "data-search-label": _("Search time zones by city, country or name"),
                                   "data-no-results": _("No time zone matches.")}),
        help_text=_("Start and end are in this zone. Defaults to your browser's zone."),
    )
    start = WallClockDateTimeField(label=_("Start"))
    duration = forms.TypedChoiceField(
        label=_("Duration"), required=False, coerce=int, empty_value=None,
        choices=[("", _("— or enter an end —")), *((m, minutes_label(m)) for m in DURATIONS)],
    )
    end = WallClockDateTimeField(
        label=_("End"), required=False,
        help_text=_("Typing an end clears the duration; with a duration chosen, the end follows from it."),
    )
    # Asked only for a wall-clock time that happens twice (the night the clocks go back).
    start_occurrence = forms.ChoiceField(label=_("Which start?"), required=False, widget=forms.RadioSelect,
                                         choices=[("first", _("first")), ("second", _("second"))])
    end_occurrence = forms.ChoiceField(label=_("Which end?"), required=False, widget=forms.RadioSelect,
                                       choices=[("first", _("first")), ("second", _("second"))])
    outcome = forms.ChoiceField(label=_("Outcome"))
    activity_type = forms.ChoiceField(label=_("Activity type"), required=False)
    location_type = forms.ChoiceField(
        label=_("Location type"), required=False,
        choices=[("", "—"), ("ADDRESS", _("Address")), ("PHONE", _("Phone")), ("CUSTOM", _("Custom"))],
    )
    location = forms.CharField(label=_("Location"), max_length=255, required=False)
    body = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The invitation text attendees receive."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only visible inside HubSpot."),
    )
    attendees = forms.MultipleChoiceField(
        label=_("Attendees"), required=False, help_text=_("Colleagues (HubSpot owners) who attend."),
    )
    contacts = RecordPickerField(label=KIND_LABELS["contacts"], required=False)
    companies = RecordPickerField(label=KIND_LABELS["companies"], required=False)
    deals = RecordPickerField(label=KIND_LABELS["deals"], required=False)
    tickets = RecordPickerField(label=KIND_LABELS["tickets"], required=False)
    include_description_in_reminders = forms.BooleanField(
        label=_("Include the description in reminders"), required=False
    )
    # The names of the files the rep chose, "/"-separated (no file name holds one; static/js/meeting-form.js):
    # a browser never refills a file input, and a form parked across a new sign-in keeps no files, so the
    # page can name what must be attached again.
    attachment_names = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(
        self,
        *args,
        options: MeetingFormOptions,
        owner_id: str = "",
        known_labels: Callable[[str, list[str]], dict[str, str]] | None = None,
        known_zones: Callable[[list[str]], dict[str, str]] | None = None,
        now=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.options = options
        self.now = now or timezone.now()
        # No maxlength: a browser would cut a long pasted title silently. The page counts instead, and
        # the form says so if it is still too long.
        self.fields["title"].widget.attrs.pop("maxlength", None)
        self.fields["title"].widget.attrs["data-max"] = self.fields["title"].max_length
        # HubSpot's standard outcomes in the rep's language; a portal's own outcomes as the portal names them.
        self.fields["outcome"].choices = [(o.value, STANDARD_OUTCOMES.get(o.value, o.label)) for o in options.outcomes]
        self.fields["activity_type"].choices = [("", "—"), *((o.value, o.label) for o in options.activity_types)]
        self.fields["attendees"].choices = [
            (o.id, f"{o.name} <{o.email}>" if o.email else o.name) for o in options.owners if o.id != owner_id
        ]
        # Only the chosen zone is an option: the page's script offers the others (from the time zone list).
        zone_widget = self.fields["time_zone"].widget
        zone_widget.attrs.pop("maxlength", None)  # the CharField's, meaningless on a select
        zone = self["time_zone"].value()
        zone_widget.choices = [(zone, zone)] if zone else []
        for kind in OBJECT_KINDS:
            picker = self.fields[kind]
            picker.widget.attrs.update({
                "data-picker-url": reverse_lazy("picker_search", args=[kind]),
                "data-placeholder": KIND_PLACEHOLDERS[kind], "data-no-results": NOTHING_FOUND,
            })
            labels = options.labels.get(kind) or []
            if labels:
                self.fields[f"{kind}_label"] = forms.TypedChoiceField(
                    label=_("Association label for %(kind)s") % {"kind": KIND_LABELS[kind]},
                    required=False, coerce=int, empty_value=None,
                    choices=[("", _("No label")), *((label.type_id, label.label) for label in labels)],
                )
            # Render chosen records with their names again after an error, not bare ids.
            chosen = [str(v) for v in (self[kind].value() or []) if RECORD_ID.match(str(v))]
            names = known_labels(kind, chosen) if known_labels and chosen else {}
            picker.choices = [(record_id, names.get(record_id, f"#{record_id}")) for record_id in chosen]
            if kind == "contacts" and known_zones and chosen:
                # Their zones as HubSpot has them: the page offers them first (static/js/meeting-form.js).
                picker.widget.attrs["data-zones"] = json.dumps(known_zones(chosen))
        if options.files_allowed:
            self.fields["attachments"] = MultipleFileField(
                label=_("Attachments"), required=False, help_text=_("Up to 5 files, 20 MB each; stored in HubSpot."),
            )
        if not self.is_bound and "duration" not in self.initial and not self.initial.get("end"):
            self.initial["duration"] = DEFAULT_DURATION
        self.reminders = ReminderFormSet(
            self.data if self.is_bound else None,
            prefix="reminders",
            initial=None if self.is_bound else self.initial.get("reminders", DEFAULT_REMINDERS),
        )
        self.ambiguous_times: list[str] = []

    @property
    def helper(self) -> FormHelper:
        """The form's sections and fields as crispy-forms lays them out (templates/meetings/partials/form_body.html).

        What nearly every meeting needs comes first, on about one screen; what few need is folded away
        (`Fold`) and unfolds by itself when it holds an error or something the rep gave. Built when the page
        renders, after validation: a time that happens twice adds its question then.
        """
        more = ["outcome", "activity_type", "location_type", "location", "body", "internal_notes",
                "include_description_in_reminders", *(f"{kind}_label" for kind in OBJECT_KINDS),
                "attachments", "attachment_names"]
        return fields_helper(Layout(
            _section(_("What and when"), "title", _include("meetings/partials/title_count.html"),
                     Row(Column("start", css_class="col-sm-6 col-lg-4"),
                         Column("duration", css_class="col-sm-6 col-lg-3"),
                         Column("time_zone", css_class="col-lg-5")),
                     *(f"{name}_occurrence" for name in ("start",) if name in self.ambiguous_times),
                     Fold(_("Set an end time instead of a duration"), "end",
                          *(f"{name}_occurrence" for name in ("end",) if name in self.ambiguous_times),
                          open=self._end_typed(), css_id="end-fold"),
                     _include("meetings/partials/conflicts.html")),
            _section(_("Who and what it belongs to"), _include("meetings/partials/picker_help.html"),
                     Row(*(Column(Div(kind, css_class="picker", data_kind=kind), css_class="col-md-6")
                           for kind in OBJECT_KINDS)),
                     "attendees"),
            _section(_("Email reminders"), _include("meetings/partials/reminders.html")),
            Fold(_("More: outcome, location, description, notes, labels, files"),
                 Row(Column("outcome", css_class="col-md-6"), Column("activity_type", css_class="col-md-6")),
                 Row(Column("location_type", css_class="col-md-4"), Column("location", css_class="col-md-8")),
                 "body", "internal_notes", "include_description_in_reminders",
                 *(f"{kind}_label" for kind in OBJECT_KINDS if f"{kind}_label" in self.fields),
                 "attachments" if "attachments" in self.fields
                 else _include("meetings/partials/attachments_off.html"),
                 open=self._any_given(more), css_id="more-fold"),
        ))

    def _end_typed(self) -> bool:
        """The End field is the rep's: an error on it, or an end typed without a duration."""
        if not self.is_bound:
            return bool(self.initial.get("end")) and not self.initial.get("duration")
        return "end" in self.errors or "end" in self.ambiguous_times or (
            bool(self.data.get("end")) and not self.data.get("duration"))

    def _any_given(self, names: list[str]) -> bool:
        """Whether any of these fields has an error, or a value other than its default, to show unfolded."""
        for name in names:
            if name not in self.fields:
                continue
            if name in self.errors:
                return True
            value, default = self[name].value(), self.fields[name].initial
            if name == "outcome":
                default = "SCHEDULED"
            if value not in (None, "", [], False, default):
                return True
        return False

    def clean(self):
        cleaned = super().clean()
        zone = get_zone(cleaned.get("time_zone", ""))
        if "time_zone" in cleaned and zone is None:
            self.add_error("time_zone", UNKNOWN_ZONE)
        start_utc = self._resolve("start", zone)
        duration = cleaned.get("duration")
        # A chosen duration is counted in real minutes from the start, so it stays right across a
        # clock change; the End field then only shows the result and is not read.
        end_utc = None if duration else self._resolve("end", zone)
        if start_utc is not None:
            if duration:
                end_utc = start_utc + timedelta(minutes=duration)
            elif cleaned.get("end") is None and "end" not in self.errors:
                self.add_error("end", END_OR_DURATION)
            if end_utc is not None and end_utc <= start_utc:
                self.add_error("end", END_BEFORE_START)
            if start_utc > self.now:
                self._check_reminders(start_utc, zone)
            # A meeting that has started is being logged, not planned: no reminder can go out, so its reminders
            # are left out of what is sent (the summary says so) rather than refused.
        cleaned["reminders_dropped"] = start_utc is not None and start_utc <= self.now
        cleaned["start_utc"], cleaned["end_utc"] = start_utc, end_utc
        return cleaned

    def _resolve(self, name: str, zone):
        naive = self.cleaned_data.get(name)
        if naive is None or zone is None:
            return None
        occurrence = self.cleaned_data.get(f"{name}_occurrence")
        try:
            resolved = resolve_local(naive, zone, fold=1 if occurrence == "second" else 0)
        except NonexistentLocalTime:
            self.add_error(name, forms.ValidationError(
                NONEXISTENT_TIME, code="nonexistent",
                params={"time": formats.date_format(naive, "DATETIME_FORMAT"), "zone": zone.key},
            ))
            return None
        if resolved.ambiguous:
            self.ambiguous_times.append(name)
            self._describe_occurrences(name, naive, zone)
            if not occurrence:
                self.add_error(name, forms.ValidationError(
                    AMBIGUOUS_TIME, code="ambiguous",
                    params={"time": formats.date_format(naive, "DATETIME_FORMAT"), "zone": zone.key},
                ))
                return None
        return resolved.utc

    def _describe_occurrences(self, name: str, naive, zone) -> None:
        """Label the two choices with their offsets: "the first, 02:30 CEST (UTC+02:00)"."""
        first, second = occurrences(naive, zone)
        described = {key: f"{formats.time_format(moment, 'TIME_FORMAT')} {moment.tzname()} "
                          f"(UTC{moment.strftime('%z')[:3]}:{moment.strftime('%z')[3:]})"
                     for key, moment in (("first", first), ("second", second))}
        self.fields[f"{name}_occurrence"].choices = [
            (value, label % described) for value, label in OCCURRENCE_CHOICES
        ]

    def _check_reminders(self, start_utc, zone) -> None:
        if not self.reminders.is_valid():
            return
        seen = set()
        for reminder_form in self.reminders.forms:
            data = reminder_form.cleaned_data
            if not data:
                continue
            offset = reminder_offset(data["number"], data["unit"])
            if offset in seen:
                reminder_form.add_error(None, REMINDER_DUPLICATE)
            seen.add(offset)
            goes_out = start_utc - offset
            if goes_out < self.now:
                local = goes_out.astimezone(zone) if zone else goes_out
                reminder_form.add_error(None, forms.ValidationError(
                    REMINDER_IN_PAST, params={"when": formats.date_format(local, "DATETIME_FORMAT")},
                    code="past",
                ))

    def is_valid(self) -> bool:
        # Both: the reminder rows are part of the form for the rep.
        form_valid = super().is_valid()
        return form_valid and self.reminders.is_valid()

    def to_input(self, *, labels: Callable[[str, list[str]], dict[str, str]]) -> MeetingInput:
        data = self.cleaned_data
        associations = []
        for kind in OBJECT_KINDS:
            ids = data.get(kind) or []
            names = labels(kind, ids) if ids else {}
            label_type = data.get(f"{kind}_label")
            extra = tuple(
                (label.category, label.type_id) for label in self.options.labels.get(kind, ())
                if label.type_id == label_type
            )
            associations.extend(
                Association(kind=kind, id=record_id, label=names.get(record_id, f"#{record_id}"), extra_types=extra)
                for record_id in ids
            )
        return MeetingInput(
            title=data["title"].strip(),
            start=data["start_utc"],
            end=data["end_utc"],
            time_zone=data["time_zone"],
            outcome=data["outcome"],
            activity_type=data.get("activity_type") or "",
            location=data.get("location") or "",
            location_type=data.get("location_type") or "",
            body=data.get("body") or "",
            internal_notes=data.get("internal_notes") or "",
            attendee_owner_ids=tuple(data.get("attendees") or ()),
            associations=tuple(associations),
            reminders=() if data.get("reminders_dropped") else tuple(
                Reminder(number=f.cleaned_data["number"], unit=f.cleaned_data["unit"])
                for f in self.reminders.forms if f.cleaned_data
            ),
            include_description_in_reminders=data.get("include_description_in_reminders", False),
        )


def initial_from_record(record, *, everything: bool) -> dict:
    """Form values from an earlier record: all of it (try again) or just its associations (create another)."""
    initial: dict = {kind: [] for kind in OBJECT_KINDS}
    for association in record.associations:
        initial.setdefault(association["type"], []).append(association["id"])
    initial["time_zone"] = record.time_zone
    sent = form_values_from_request(record.request_payload or {})
    initial.update(_labels_sent(record))
    if not everything:
        # Create another: who takes part and how they are reminded stay; what this meeting is about does not.
        initial.update(attendees=sent["attendees"], reminders=sent["reminders"])
        return initial
    zone = get_zone(record.time_zone)
    initial.update(
        title=record.title,
        start=record.start_at.astimezone(zone).replace(tzinfo=None) if zone else record.start_at,
        end=record.end_at.astimezone(zone).replace(tzinfo=None) if zone else record.end_at,
        **sent,
    )
    return initial


def _labels_sent(record) -> dict:
    """The association label each kind was sent with (`contacts_label` …): the type after the default one."""
    kinds = {str(a["id"]): a["type"] for a in record.associations}
    labels = {}
    for association in (record.request_payload or {}).get("associations") or []:
        kind = kinds.get(str((association.get("to") or {}).get("id")))
        types = association.get("types") or []
        if kind and len(types) > 1 and isinstance(types[1], dict):
            labels.setdefault(f"{kind}_label", types[1].get("associationTypeId"))
    return labels


# A check over longer than this is refused: a meeting of weeks would fetch weeks of calendars.
MAX_CONFLICT_CHECK = timedelta(days=7)
CONFLICT_RANGE_TOO_LONG = _("Conflicts are checked for meetings of up to 7 days.")


class OwnerIdsField(forms.MultipleChoiceField):
    """HubSpot owner ids (digits), whichever: the choices are not known to the form."""

    def valid_value(self, value) -> bool:
        return bool(RECORD_ID.match(str(value)))


class ConflictQueryForm(forms.Form):
    """The time and people of a meeting being typed, for the conflict check (GET parameters, as the form sends them).

    The same rules as `MeetingForm` for zones and a duration in real minutes; an ambiguous time without a
    chosen occurrence is read as the first (the check only warns; the form itself still asks).
    """

    time_zone = forms.CharField(max_length=64)
    start = WallClockDateTimeField()
    end = WallClockDateTimeField(required=False)
    duration = forms.IntegerField(required=False, min_value=1, max_value=MAX_CONFLICT_CHECK.days * 24 * 60)
    start_occurrence = forms.ChoiceField(required=False, choices=[("first", "first"), ("second", "second")])
    end_occurrence = forms.ChoiceField(required=False, choices=[("first", "first"), ("second", "second")])
    # Any owner id is taken here: the check itself leaves out owners the form does not offer.
    attendees = OwnerIdsField(required=False)

    def clean_attendees(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["attendees"]))

    def clean(self):
        cleaned = super().clean()
        zone = get_zone(cleaned.get("time_zone", ""))
        if "time_zone" in cleaned and zone is None:
            self.add_error("time_zone", UNKNOWN_ZONE)
        start, end = self._instant("start", zone), None
        if start is not None:
            end = start + timedelta(minutes=cleaned["duration"]) if cleaned.get("duration") else \
                self._instant("end", zone)
            if end is None and not self.errors:
                self.add_error("end", END_OR_DURATION)
            elif end is not None and end <= start:
                self.add_error("end", END_BEFORE_START)
            elif end is not None and end - start > MAX_CONFLICT_CHECK:
                self.add_error("end", CONFLICT_RANGE_TOO_LONG)
        cleaned["zone"], cleaned["start_utc"], cleaned["end_utc"] = zone, start, end
        return cleaned

    def _instant(self, name: str, zone):
        naive = self.cleaned_data.get(name)
        if naive is None or zone is None:
            return None
        fold = 1 if self.cleaned_data.get(f"{name}_occurrence") == "second" else 0
        try:
            return resolve_local(naive, zone, fold=fold).utc
        except NonexistentLocalTime:
            self.add_error(name, forms.ValidationError(
                NONEXISTENT_TIME, code="nonexistent",
                params={"time": formats.date_format(naive, "DATETIME_FORMAT"), "zone": zone.key},
            ))
            return None
