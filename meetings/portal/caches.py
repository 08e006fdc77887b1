"""Every cache of what the form reads from HubSpot, declared once: what, whose, how long, what drops it.

A cache here exists to spare HubSpot calls — the scarce resource: 110 calls per 10 s and 5 searches
per second per portal, for all reps together — or a wait a rep can feel. What HubSpot answers
*per user* (searches, records read by id, calendars) is kept per HubSpot user: HubSpot may refuse
one rep what it shows another (a scope the rep did not grant, or their permissions in HubSpot),
so one rep's answer is never shown to the next. What HubSpot answers alike to every token of a
portal (its owners, a property's options, association labels) is kept per portal.

Every key carries a generation: an erasure (`manage.py erase_person`) starts a new one, so no
name a cache held survives it. When the cache is down, every lookup is a miss and HubSpot is asked
(the cache backend turns its errors into misses); nothing here fails a page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum

from django.core.cache import cache

GENERATION_KEY = "hubspot:generation"


class Whose(Enum):
    PORTAL = "portal"
    HUBSPOT_USER = "hubspot user"


@dataclass(frozen=True)
class HubSpotCache:
    name: str
    whose: Whose
    seconds: int
    holds: str
    dropped_by: str
    # Served from the cache only to a rep whose token holds this scope; the others ask HubSpot, which decides.
    scope: str = ""

    def serves(self, connection) -> bool:
        return not self.scope or connection.has_scope(self.scope)

    def key(self, connection, *parts: object, generation: str | None = None) -> str:
        """The key of one entry for this rep's `connection` (a `HubSpotConnection`)."""
        return self.portal_key(connection.hub_id, *parts, generation=generation,
                               hubspot_user_id=connection.hubspot_user_id)

    def portal_key(self, hub_id: int, *parts: object, generation: str | None = None,
                   hubspot_user_id: object = None) -> str:
        if self.whose is Whose.HUBSPOT_USER:
            if hubspot_user_id is None:
                raise ValueError(f"{self.name} is kept per HubSpot user: name the user")
            whose = f"user-{hubspot_user_id}"
        else:
            whose = "portal"
        generation = current_generation() if generation is None else generation
        return ":".join(["hubspot", generation, str(hub_id), whose, self.name, *(str(p) for p in parts)])


    # Reading and writing go through the declaration, so a key is always built the way it declares.
    def get(self, connection, *parts: object, generation: str | None = None):
        return cache.get(self.key(connection, *parts, generation=generation))

    def set(self, connection, *parts: object, value, generation: str | None = None) -> None:
        cache.set(self.key(connection, *parts, generation=generation), value, self.seconds)

    def get_many(self, connection, parts: dict) -> dict:
        """`parts`: {name: (part, …)} → {name: cached value}, for the names the cache holds (one round trip)."""
        generation = current_generation()
        keys = {name: self.key(connection, *these, generation=generation) for name, these in parts.items()}
        found = cache.get_many(list(keys.values()))
        return {name: found[key] for name, key in keys.items() if key in found}

    def set_many(self, connection, values: dict, *, generation: str | None = None) -> None:
        """`values`: {(part, …): value}. `generation`: the one read before asking HubSpot, so an answer an
        erasure overtook lands in the old generation, never read again."""
        generation = current_generation() if generation is None else generation
        cache.set_many({self.key(connection, *parts, generation=generation): value
                        for parts, value in values.items()}, self.seconds)


OWNERS = HubSpotCache(
    "owners", Whose.PORTAL, 300,
    holds=("the portal's active owners (attendees on the form, names on record pages)"),
    dropped_by=("expiry; HubSpot lists the same owners to every token of the portal that may read them"),
    scope="crm.objects.owners.read")
PROPERTY_OPTIONS = HubSpotCache(
    "meeting-property", Whose.PORTAL, 600,
    holds=("the options of a meeting property (outcomes, activity types)"),
    dropped_by=("expiry; a portal's property definitions are the same for every rep"))
ASSOCIATION_LABELS = HubSpotCache(
    "labels", Whose.PORTAL, 600,
    holds=("the portal's named association labels from meetings to each kind of record"),
    dropped_by=("expiry"))
SEARCHES = HubSpotCache(
    "search", Whose.HUBSPOT_USER, 60,
    holds=("one rep's picker search answers, by kind and query"),
    dropped_by=("expiry: a rep typing “Mül”, “Müll”, “Mülle” and back spends no search twice"))
RECORDS_SEEN = HubSpotCache(
    "seen", Whose.HUBSPOT_USER, 24 * 3600,
    holds=("records HubSpot showed this rep (in a picker or read by id), by kind and id: their names after "
            "a submit, on a retried form and behind a prefill link"),
    dropped_by=("expiry; an erasure"))
CALENDARS = HubSpotCache(
    "calendar", Whose.HUBSPOT_USER, 60,
    holds=("the meetings HubSpot showed this rep for an owner and a UTC day (the conflict warning)"),
    dropped_by=("expiry: long enough for a rep's typing, short enough that a new booking shows soon"))

DECLARED = (OWNERS, PROPERTY_OPTIONS, ASSOCIATION_LABELS, SEARCHES, RECORDS_SEEN, CALENDARS)


def current_generation() -> str:
    """The generation every key names now; "0" until the first erasure (and whenever the cache is down)."""
    return cache.get(GENERATION_KEY) or "0"


def forget_everything_seen() -> None:
    """Start a new generation: no entry any cache above holds is read again (they expire on their own)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex[:12], None)
