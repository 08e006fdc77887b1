"""What the meeting form offers from the rep's portal: outcomes, activity types, owners, association labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from hubspot_api.types import AssociationLabel, Owner, PropertyOption

# HubSpot's documented outcomes, used when the portal's own options cannot be read.
DEFAULT_OUTCOMES = [
    PropertyOption("SCHEDULED", _("Scheduled")),
    PropertyOption("COMPLETED", _("Completed")),
    PropertyOption("RESCHEDULED", _("Rescheduled")),
    PropertyOption("NO_SHOW", _("No show")),
    PropertyOption("CANCELED", _("Canceled")),
]

@dataclass
class MeetingFormOptions:
    """Choices read from the rep's portal (empty lists where HubSpot could not be reached)."""

    outcomes: list[PropertyOption] = field(default_factory=lambda: list(DEFAULT_OUTCOMES))
    activity_types: list[PropertyOption] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)
    labels: dict[str, list[AssociationLabel]] = field(default_factory=dict)
    files_allowed: bool = False
    unavailable: bool = False  # some choices could not be loaded
