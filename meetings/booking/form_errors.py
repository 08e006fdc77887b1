"""HubSpot's refusal of a create, shown on the form fields it concerns, the rest above the form."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from hubspot_api.errors import FieldError, HubSpotError, HubSpotRefused
from meetings.core.bulkhead import HubSpotBusy
from meetings.core.payload import field_for_property

ASSOCIATION_PATH = re.compile(r"^associations\[(\d+)\]")
HUBSPOT_FIELD_ERROR = _("HubSpot rejected this: %(message)s")
HUBSPOT_REFUSED = _("HubSpot did not create the meeting. Check the marked fields; what HubSpot said is under "
                    "“Technical details”.")
HUBSPOT_UNAVAILABLE = _(
    "HubSpot is not reachable right now, so nothing was created. Your entries are kept: try again in a moment."
)
# HubSpot's own words and the id its support asks for: for whoever needs them, behind "Technical details".
TECHNICAL_DETAILS = _("%(message)s (correlation id: %(correlation_id)s)")

HUBSPOT_BUSY = _(
    "HubSpot is answering slowly right now and this server is already waiting on it for other requests, "
    "so a meeting with attachments was not sent. Your entries are kept: attach the files again and try in a minute."
)


def hubspot_error_field(error: FieldError, associations: list[dict], form_fields) -> str | None:
    """The form field one entry of HubSpot's `errors[]` is about, or None for the whole form.

    `associations` are the record's, in the order they were sent: `associations[2]` names the third.
    """
    match = ASSOCIATION_PATH.match(error.location)
    if match:
        index = int(match.group(1))
        return associations[index]["type"] if index < len(associations) else None
    for name in (*error.property_names, error.location.rsplit(".", 1)[-1]):
        field_name = field_for_property(name)
        if field_name in form_fields:
            return field_name
    return None


def add_hubspot_errors(form, error: HubSpotError, associations: list[dict]) -> None:
    """Put HubSpot's field errors on the fields they concern, the rest on the form."""
    correlation_id = error.correlation_id or "—"
    if isinstance(error, HubSpotBusy):
        form.add_error(None, HUBSPOT_BUSY)
        return
    if not isinstance(error, HubSpotRefused):
        form.add_error(None, HUBSPOT_UNAVAILABLE)
        form.technical_details = TECHNICAL_DETAILS % {"message": error.message or error.category or "—",
                                                      "correlation_id": correlation_id}
        return
    unplaced = []
    for field_error in error.errors:
        field_name = hubspot_error_field(field_error, associations, form.fields)
        message = field_error.message or error.message
        if field_name:
            form.add_error(field_name, HUBSPOT_FIELD_ERROR % {"message": message})
        else:
            unplaced.append(message)
    if unplaced or not error.errors:
        message = "; ".join(unplaced) or error.message or error.category
        form.add_error(None, HUBSPOT_REFUSED)
        form.technical_details = TECHNICAL_DETAILS % {"message": message, "correlation_id": correlation_id}
