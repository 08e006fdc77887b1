"""What the form's pickers and choices show, read from the rep's HubSpot.

Whose answer each cache keeps, and for how long, is declared in `meetings.portal.caches`: what
HubSpot answers per user (searches, records read by id) per HubSpot user, the portal's owners and
option sets per portal.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connections
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from hubspot_api.errors import HubSpotOutcomeUnknown, HubSpotRateBudgetSpent, HubSpotRefused, HubSpotUnavailable
from hubspot_api.types import OBJECT_KINDS, AssociationLabel, Owner, PropertyOption, SearchHit
from hubspot_login.tokens import hubspot_client
from meetings.core import bulkhead
from meetings.core.caches import NotAvailable, fresh_values, get_or_fetch, peek
from meetings.core.timezones import zone_from_hubspot
from meetings.portal.caches import (
    ASSOCIATION_LABELS,
    OWNERS,
    PROPERTY_OPTIONS,
    RECORDS_SEEN,
    SEARCHES,
    current_generation,
)
from meetings.portal.options import MeetingFormOptions

# HubSpot could not give an option set just now: the next form loads for a few seconds do not ask again.
HUBSPOT_DOWN = (HubSpotUnavailable, HubSpotOutcomeUnknown)
DEGRADING_ERRORS = (HubSpotRefused, *HUBSPOT_DOWN, NotAvailable)


def owners(user) -> list[Owner]:
    def fetch() -> list[Owner]:
        return [o for o in hubspot_client(user).list_owners() if not o.archived]

    if not OWNERS.serves(user.hubspot):
        return fetch()  # the portal's list is not this rep's to see unless HubSpot shows it to them
    return get_or_fetch(OWNERS.key(user.hubspot), fetch, OWNERS.seconds, failures=HUBSPOT_DOWN)


def cached_owners(hub_id: int) -> list[Owner]:
    """The portal's owners as far as the cache holds them (no HubSpot call: for names on record pages)."""
    return peek(OWNERS.portal_key(hub_id), [])


def property_options(user, name: str) -> list[PropertyOption]:
    return get_or_fetch(
        PROPERTY_OPTIONS.key(user.hubspot, name),
        lambda: hubspot_client(user).meeting_property_options(name),
        PROPERTY_OPTIONS.seconds, failures=HUBSPOT_DOWN,
    )


def association_labels(user, kind: str) -> list[AssociationLabel]:
    """The portal's *named* association labels from meetings to `kind` (the unlabeled default left out)."""
    return get_or_fetch(
        ASSOCIATION_LABELS.key(user.hubspot, kind),
        lambda: [label for label in hubspot_client(user).association_labels(kind) if label.label],
        ASSOCIATION_LABELS.seconds, failures=HUBSPOT_DOWN,
    )


# The stages of HubSpot's default deal and ticket pipelines, by their internal values; a portal's own
# stages show as HubSpot names them internally.
DEAL_STAGES = {
    "appointmentscheduled": _("Appointment scheduled"), "qualifiedtobuy": _("Qualified to buy"),
    "presentationscheduled": _("Presentation scheduled"), "decisionmakerboughtin": _("Decision maker bought-in"),
    "contractsent": _("Contract sent"), "closedwon": _("Closed won"), "closedlost": _("Closed lost"),
}
TICKET_STAGES = {"1": _("New"), "2": _("Waiting on contact"), "3": _("Waiting on us"), "4": _("Closed")}


def zone_of(hit: SearchHit) -> str:
    """A contact's time zone as HubSpot has it (`hs_timezone`), as an IANA name; "" when unknown."""
    if hit.kind != "contacts":
        return ""
    return zone_from_hubspot(hit.fact("hs_timezone")) or ""


def describe(hit: SearchHit) -> str:
    """What tells a record apart in the picker: company for a contact, amount and stage for a deal, …"""
    if hit.kind == "contacts":
        parts = [hit.fact("email"), hit.fact("company")]
    elif hit.kind == "companies":
        parts = [hit.fact("domain"), hit.fact("city")]
    elif hit.kind == "deals":
        stage = hit.fact("dealstage")
        parts = [_amount(hit.fact("amount"), hit.fact("deal_currency_code")), str(DEAL_STAGES.get(stage, stage))]
    else:
        stage = hit.fact("hs_pipeline_stage")
        parts = [str(TICKET_STAGES.get(stage, stage))]
    return " · ".join(part for part in parts if part)


def _amount(amount: str, currency: str) -> str:
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    number = formats.number_format(value, decimal_pos=0 if value == value.to_integral() else 2, use_l10n=True,
                                   force_grouping=True)
    return f"{number} {currency}".strip()


class SearchBudgetExhausted(Exception):
    """The portal's searches this second are used up (HubSpot allows 5/s per portal, all reps together)."""


def search(user, kind: str, query: str) -> list[SearchHit]:
    """The rep's HubSpot's answer to a picker search, kept for this HubSpot user only (`caches.SEARCHES`)."""
    connection = user.hubspot
    normalised = " ".join(query.lower().split())
    # Hashed: a query may hold spaces and any letter, which not every cache takes in a key.
    digest, generation = hashlib.sha256(normalised.encode()).hexdigest()[:32], current_generation()
    found = SEARCHES.get(connection, kind, digest, generation=generation)
    if found is None:
        with bulkhead.slot() as may_wait:
            if not may_wait:
                raise bulkhead.HubSpotBusy(message="Every request slot for HubSpot is taken in this process.")
            try:
                found = hubspot_client(user, patient=False).search(kind, query, limit=settings.PICKER_RESULTS)
            except HubSpotRateBudgetSpent:
                raise SearchBudgetExhausted(connection.hub_id) from None
        SEARCHES.set(connection, kind, digest, value=found, generation=generation)
        RECORDS_SEEN.set_many(connection, {(kind, hit.id): hit for hit in found}, generation=generation)
    return found


def known_hits(user, kind: str, ids: list[str]) -> dict[str, SearchHit]:
    """Records of `kind` this rep's HubSpot showed them, by id (for labels after a submit)."""
    connection = user.hubspot
    found = RECORDS_SEEN.get_many(connection, {record_id: (kind, record_id) for record_id in ids})
    return {hit.id: hit for hit in found.values()}


def records_by_id(user, kind: str, ids: list[str]) -> dict[str, SearchHit]:
    """The records of `kind` with these ids that the rep's HubSpot shows them, by id; the others are absent.

    Read by id, not searched: HubSpot's search finds a record only seconds after it was made, and a
    link from a record just created must not call it unknown. What HubSpot showed this rep is cached.
    """
    found = known_hits(user, kind, ids)
    missing = [record_id for record_id in ids if record_id not in found]
    if missing:
        with bulkhead.slot() as may_wait:
            if not may_wait:
                raise bulkhead.HubSpotBusy(message="Every request slot for HubSpot is taken in this process.")
            read = hubspot_client(user).read_records(kind, missing)
        RECORDS_SEEN.set_many(user.hubspot, {(kind, hit.id): hit for hit in read})
        found |= {hit.id: hit for hit in read}
    return found


def form_options(user):
    """Everything the meeting form needs from the portal; what HubSpot cannot give now stays empty.

    Sets in the cache are read here; the others are fetched side by side — but the first of them
    here, so that a token HubSpot no longer takes is refreshed once, in this thread. A refused or
    unreachable HubSpot degrades the form (default outcomes, no attendees) instead of breaking it;
    only a lost authorisation propagates, so the rep can sign in again.
    """
    connection = user.hubspot
    generation = current_generation()
    options = MeetingFormOptions(files_allowed=connection.has_scope("files"))
    loaders = {
        "outcomes": (PROPERTY_OPTIONS.key(connection, "hs_meeting_outcome", generation=generation),
                     lambda: property_options(user, "hs_meeting_outcome")),
        "activity_types": (PROPERTY_OPTIONS.key(connection, "hs_activity_type", generation=generation),
                           lambda: property_options(user, "hs_activity_type")),
        # A key no one stores for a rep the cached owners are not served to: the loader then asks HubSpot.
        "owners": (OWNERS.key(connection, generation=generation) if OWNERS.serves(connection) else "hubspot:-",
                   lambda: owners(user)),
        **{f"labels:{kind}": (ASSOCIATION_LABELS.key(connection, kind, generation=generation),
                              lambda kind=kind: association_labels(user, kind))
           for kind in OBJECT_KINDS},
    }
    for name, value in _load(loaders).items():
        if value is None:
            options.unavailable = True
        elif name.startswith("labels:"):
            options.labels[name.removeprefix("labels:")] = value
        elif value or name != "outcomes":
            setattr(options, name, value)
    return options


def _load(loaders: dict) -> dict:
    """Each loader's value, or None where HubSpot could not give it; a lost authorisation propagates."""
    # Every set in one read of the cache (one round trip to Redis), not one or two reads per set.
    cached = fresh_values([key for key, _fetch in loaders.values()])
    values = {name: cached[key] for name, (key, _fetch) in loaders.items() if key in cached}
    missing = [name for name in loaders if name not in values]
    if missing:
        with bulkhead.slot() as may_wait:
            # With every slot of this process waiting on HubSpot, the form shows what the cache has.
            values.update(_fetch_side_by_side(loaders, missing) if may_wait else dict.fromkeys(missing))
    return values


def _fetch_side_by_side(loaders: dict, missing: list[str]) -> dict:
    # The first set here, before any thread starts (a token refresh happens once, in this thread).
    values = {missing[0]: _or_none(loaders[missing[0]][1])}
    if missing[1:]:
        with ThreadPoolExecutor(max_workers=len(missing) - 1, thread_name_prefix="form-options") as pool:
            futures = {name: pool.submit(_in_thread, loaders[name][1]) for name in missing[1:]}
        values.update({name: _or_none(future.result) for name, future in futures.items()})
    return values


def _or_none(get):
    try:
        return get()
    except DEGRADING_ERRORS:
        return None


def _in_thread(load):
    try:
        return load()
    finally:
        connections.close_all()  # a token refreshed after a 401 wrote through this thread's own connection
