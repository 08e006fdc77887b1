"""Typed values at the boundary: what comes back from HubSpot, by name rather than loose dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# Object kinds a meeting can be associated with, with HubSpot's default
# meeting→object association type ids (HUBSPOT_DEFINED; API notes §4).
# 220 is call→ticket, a common mix-up: meeting→ticket is 226.
ASSOCIATION_TYPE_IDS = {"contacts": 200, "companies": 188, "deals": 212, "tickets": 226}
OBJECT_KINDS = tuple(ASSOCIATION_TYPE_IDS)
# Control characters (NUL, escape, …) in what HubSpot sends: PostgreSQL refuses NUL in text and JSON, and none of
# them means anything in a name. Line breaks and tabs become spaces; the rest goes.
_CONTROLS = {code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} | {0x09: " ", 0x0A: " ", 0x0D: " "}


def plain_text(value):
    """A name or label from HubSpot without control characters; anything that is not text unchanged."""
    return value.translate(_CONTROLS) if isinstance(value, str) else value


def _plain_fields(instance, *names: str) -> None:
    """Clean these fields of a frozen dataclass, however it was built (the client builds some from HubSpot's JSON)."""
    for name in names:
        object.__setattr__(instance, name, plain_text(getattr(instance, name)))


@dataclass(frozen=True)
class Owner:
    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int | None
    archived: bool = False

    def __post_init__(self) -> None:
        _plain_fields(self, "email", "first_name", "last_name")

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.email or self.id

    @classmethod
    def from_api(cls, data: dict) -> Owner:
        return cls(
            id=str(data["id"]),
            email=data.get("email") or "",
            first_name=data.get("firstName") or "",
            last_name=data.get("lastName") or "",
            user_id=data.get("userId") if data.get("userId") is not None else data.get("userIdIncludingInactive"),
            archived=bool(data.get("archived")),
        )


@dataclass(frozen=True)
class PropertyOption:
    value: str
    label: str

    def __post_init__(self) -> None:
        _plain_fields(self, "label")


@dataclass(frozen=True)
class AssociationLabel:
    category: str
    type_id: int
    label: str | None

    def __post_init__(self) -> None:
        _plain_fields(self, "label")


@dataclass(frozen=True)
class SearchHit:
    """One CRM record as a picker shows it: a label, and the properties that tell it apart."""

    kind: str
    id: str
    label: str
    facts: tuple[tuple[str, str], ...] = ()  # (property, value) pairs, as HubSpot sent them

    def __post_init__(self) -> None:
        _plain_fields(self, "label")
        object.__setattr__(self, "facts", tuple((name, plain_text(value)) for name, value in self.facts))

    def fact(self, name: str) -> str:
        return dict(self.facts).get(name, "")

    @classmethod
    def from_api(cls, kind: str, data: dict) -> SearchHit:
        props = data.get("properties") or {}
        record_id = str(data["id"])
        facts = tuple((name, str(props[name])) for name in sorted(props) if props.get(name) not in (None, ""))
        if kind == "contacts":
            name = " ".join(p for p in (props.get("firstname"), props.get("lastname")) if p)
            label = name or props.get("email") or record_id
        elif kind == "companies":
            label = props.get("name") or props.get("domain") or record_id
        elif kind == "deals":
            label = props.get("dealname") or record_id
        else:
            label = props.get("subject") or record_id
        return cls(kind, record_id, label, facts)


@dataclass(frozen=True)
class BusyMeeting:
    """One meeting that holds an owner's time, as the conflict check reads it from HubSpot's search."""

    id: str
    owner_id: str
    title: str
    start: datetime
    end: datetime
    outcome: str = ""

    def __post_init__(self) -> None:
        _plain_fields(self, "title")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """True when it shares time with [start, end): one ending as the other begins does not."""
        return self.start < end and self.end > start

    @classmethod
    def from_api(cls, data: dict) -> BusyMeeting | None:
        """None for a meeting without a readable start and end (a logged call note, say): it holds no time."""
        props = data.get("properties") or {}
        start = _instant(props.get("hs_meeting_start_time") or props.get("hs_timestamp"))
        end = _instant(props.get("hs_meeting_end_time"))
        if start is None or end is None:
            return None
        return cls(id=str(data["id"]), owner_id=str(props.get("hubspot_owner_id") or ""),
                   title=props.get("hs_meeting_title") or "", start=start, end=end,
                   outcome=props.get("hs_meeting_outcome") or "")


def _instant(value) -> datetime | None:
    """An instant from HubSpot's datetime property: ISO 8601 (search answers) or epoch milliseconds."""
    if not value:
        return None
    text = str(value)
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
