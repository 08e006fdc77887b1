"""A form opened from a link in HubSpot: `/meetings/new/?contact=ID&company=ID&deal=ID&ticket=ID`.

An admin adds such a link to HubSpot (README, "Start from a HubSpot record"), so a rep starts from
the contact or deal they are looking at. The ids come from anyone's URL: each is read from the rep's
own HubSpot, and only what it shows them is chosen; the rest is named and left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hubspot_api.errors import HubSpotAuthRequired, HubSpotError, HubSpotRefused
from meetings.portal import pickers

# The link's parameter for each kind of record, singular as a HubSpot URL template names one record.
LINK_PARAMETERS = {"contact": "contacts", "company": "companies", "deal": "deals", "ticket": "tickets"}
MAX_PER_KIND = 10


@dataclass
class Prefill:
    chosen: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    not_visible: list[str] = field(default_factory=list)  # "contact 123", as the rep's link named them
    not_asked: list[str] = field(default_factory=list)  # HubSpot could not be asked just now

    def messages(self) -> list[str]:
        found = []
        if self.not_visible:
            found.append(_("Left out because your HubSpot does not show them to you: %(records)s.")
                         % {"records": ", ".join(self.not_visible)})
        if self.not_asked:
            found.append(_("HubSpot could not be asked about these linked records just now, so they were left "
                           "out: %(records)s. Reload the page to try again.") % {"records": ", ".join(self.not_asked)})
        return found


def linked_records(user, query) -> Prefill:
    """The records the link names that the rep's HubSpot shows them; a lost authorisation propagates."""
    prefill = Prefill()
    for parameter, kind in LINK_PARAMETERS.items():
        values = [value.strip() for value in query.getlist(parameter) if value.strip()][:MAX_PER_KIND]
        ids = list(dict.fromkeys(value for value in values if value.isdigit() and len(value) <= 20))
        named = [f"{_name(parameter)} {value}" for value in values]
        prefill.not_visible += [f"{_name(parameter)} {value}" for value in values if value not in ids]
        if not ids:
            continue
        try:
            found = pickers.records_by_id(user, kind, ids)
        except HubSpotAuthRequired:
            raise
        except HubSpotRefused:  # no scope for this kind of record: none of them is visible to the rep
            found = {}
        except HubSpotError:
            prefill.not_asked += [name for name, value in zip(named, values, strict=True) if value in ids]
            continue
        prefill.chosen[kind] = [record_id for record_id in ids if record_id in found]
        prefill.labels |= {(kind, record_id): hit.label for record_id, hit in found.items()}
        prefill.not_visible += [f"{_name(parameter)} {record_id}" for record_id in ids if record_id not in found]
    return prefill


def _name(parameter: str) -> str:
    return {"contact": _("contact"), "company": _("company"), "deal": _("deal"), "ticket": _("ticket")}[parameter]
