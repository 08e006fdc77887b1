"""The demo portals, deterministic: the same ids, names and records on every start."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEMO_CLIENT_ID = "sandbox-demo-client-id"
DEMO_CLIENT_SECRET = "sandbox-demo-client-secret"
DEMO_APP_ID = 4242001
DEMO_APP_NAME = "Meeting Booker (demo)"
DEFAULT_REDIRECT_URIS = (
    "http://localhost:8000/accounts/hubspot/login/callback/",
    "http://127.0.0.1:8000/accounts/hubspot/login/callback/",
)
CREATED = "2025-01-15T09:30:00.000Z"


@dataclass
class User:
    """A HubSpot login. User ids are per login; owner ids are per portal (and are different numbers)."""

    user_id: int
    email: str
    first_name: str
    last_name: str
    active: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Owner:
    id: str
    user_id: int | None
    email: str
    first_name: str
    last_name: str
    archived: bool = False

    def as_json(self) -> dict:
        data = {
            "id": self.id, "email": self.email, "firstName": self.first_name, "lastName": self.last_name,
            "type": "PERSON", "archived": self.archived, "createdAt": CREATED, "updatedAt": CREATED,
            "userIdIncludingInactive": self.user_id, "teams": [],
        }
        if not self.archived:
            data["userId"] = self.user_id
        return data


@dataclass
class Portal:
    hub_id: int
    domain: str
    name: str
    members: list[int]  # user ids of the portal's users
    owners: list[Owner]
    records: dict[str, dict[str, dict]] = field(default_factory=dict)  # kind → id → properties
    labels: dict[str, list[dict]] = field(default_factory=dict)  # kind → meeting→kind label specs
    activity_types: list[dict] = field(default_factory=list)

    def owner_for_user(self, user_id: int) -> Owner | None:
        return next((o for o in self.owners if o.user_id == user_id and not o.archived), None)


USERS = [
    User(5120001, "lena.mueller@example.de", "Lena", "Müller"),
    User(5120002, "jonas.weiss@example.de", "Jonas", "Weiß"),
    User(5120003, "sarah.thompson@example.com", "Sarah", "Thompson"),
    User(5120004, "max.alt@example.de", "Max", "Alt", active=False),
    User(5120005, "paul.praktikant@example.de", "Paul", "Praktikant"),
    User(5120006, "tom.becker@example.de", "Tom", "Becker"),
]

FIRST_NAMES = [
    "Jürgen", "Sören", "Anja", "Björn", "Käthe", "Günther", "Jörg", "Märta", "Uwe", "Özlem", "Frauke", "Lütfiye",
    "Hans", "Grete", "Dörte", "Matthias", "Sophie", "Lukas", "Mia", "Felix", "Hannah", "Emma", "Noah", "Ben",
    "James", "Olivia", "William", "Ava", "Henry", "Charlotte", "George", "Amelia", "Jack", "Isla", "Oliver",
]
LAST_NAMES = [
    "Müller", "Schröder", "Weiß", "Groß", "Köhler", "Bäcker", "Fuß", "Hößl", "Krüger", "Jäger", "Schäfer",
    "Schmidt", "Schneider", "Fischer", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein",
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker",
]
COMPANY_STEMS = [
    "Müller", "Schröder", "Nordlicht", "Alpenblick", "Bäckerei Groß", "Südwind", "Rheinauen", "Elbe", "Brückner",
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Wonka", "Soylent", "Tyrell",
]
COMPANY_FORMS = ["GmbH", "AG", "KG", "GmbH & Co. KG", "Ltd", "Inc.", "LLC", "SE"]
DEAL_THINGS = ["Lizenzen", "Rahmenvertrag", "Wartung", "Onboarding", "Licences", "Renewal", "Upgrade", "Pilot"]
TICKET_SUBJECTS = [
    "Rechnung fehlt", "Login funktioniert nicht", "Export bricht ab", "Frage zur Lizenz", "Invoice missing",
    "Cannot log in", "Sync stuck", "Feature request: Kalender", "Umlaute im Export kaputt", "Password reset",
]
OUTCOMES = [
    ("SCHEDULED", "Scheduled", 0), ("COMPLETED", "Completed", 1), ("RESCHEDULED", "Rescheduled", 2),
    ("NO_SHOW", "No show", 3), ("CANCELED", "Canceled", 4),
]
ACTIVITY_TYPES = [
    ("Erstgespräch", "Erstgespräch", 0, False), ("Produktdemo", "Produktdemo", 1, False),
    ("Vertragsverhandlung", "Vertragsverhandlung", 2, False), ("Kundentermin vor Ort", "Kundentermin vor Ort", 3, False),
    ("Altes Format", "Altes Format (nicht mehr verwenden)", 4, True),
]


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", " ": "", "&": "", ".": ""})
    return text.lower().translate(table)


CONTACT_ZONES = ("europe_slash_berlin", "europe_slash_berlin", "america_slash_new_york", "europe_slash_berlin",
                 "europe_slash_zurich", "", "europe_slash_berlin", "asia_slash_kolkata", "europe_slash_vienna", "")


def _records(seed: int, prefix: int, sizes: dict[str, int]) -> dict[str, dict[str, dict]]:
    rng = random.Random(seed)
    records: dict[str, dict[str, dict]] = {"contacts": {}, "companies": {}, "deals": {}, "tickets": {}}
    companies = []
    for i in range(sizes["companies"]):
        name = f"{COMPANY_STEMS[i % len(COMPANY_STEMS)]} {COMPANY_FORMS[rng.randrange(len(COMPANY_FORMS))]}"
        if i >= len(COMPANY_STEMS):
            name = f"{COMPANY_STEMS[i % len(COMPANY_STEMS)]} {rng.choice(['Nord', 'Süd', 'West', 'Ost', 'Digital', 'Partner'])} {COMPANY_FORMS[i % len(COMPANY_FORMS)]}"
        domain = f"{_slug(name.split()[0])}{i}.example"
        companies.append((name, domain))
        records["companies"][str(prefix * 10 + 2_000_000 + i)] = {"name": name, "domain": domain, "phone": f"+49 30 {rng.randrange(1000000, 9999999)}"}
    for i in range(sizes["contacts"]):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = companies[rng.randrange(len(companies))]
        records["contacts"][str(prefix * 10 + 1_000_000 + i)] = {
            "firstname": first, "lastname": last, "email": f"{_slug(first)}.{_slug(last)}{i}@{company[1]}",
            "phone": f"+49 {rng.randrange(150, 179)} {rng.randrange(1000000, 9999999)}", "company": company[0],
        }
        # HubSpot's own format; by index, so the seeded names and companies stay as they were. Some have none.
        zone = CONTACT_ZONES[i % len(CONTACT_ZONES)]
        if zone:
            records["contacts"][str(prefix * 10 + 1_000_000 + i)]["hs_timezone"] = zone
    for i in range(sizes["deals"]):
        company = companies[rng.randrange(len(companies))][0]
        records["deals"][str(prefix * 10 + 3_000_000 + i)] = {
            "dealname": f"{company} – {rng.choice(DEAL_THINGS)}", "amount": str(rng.randrange(10, 500) * 100),
            "deal_currency_code": "EUR",
            "closedate": f"2027-0{rng.randrange(1, 10)}-15T00:00:00.000Z", "pipeline": "default",
            "dealstage": rng.choice(["appointmentscheduled", "qualifiedtobuy", "contractsent"]), "dealtype": "newbusiness",
        }
    for i in range(sizes["tickets"]):
        records["tickets"][str(prefix * 10 + 4_000_000 + i)] = {
            "subject": f"{rng.choice(TICKET_SUBJECTS)} (#{i + 1})", "content": "Kunde meldet ein Problem.",
            "hs_pipeline": "0", "hs_pipeline_stage": rng.choice(["1", "2", "3"]), "hs_ticket_priority": "MEDIUM",
            "hs_ticket_category": "PRODUCT_ISSUE",
        }
    for kind in records:
        for record_id, props in records[kind].items():
            props.update({"hs_object_id": record_id, "createdate": CREATED, "lastmodifieddate": CREATED,
                          "hs_lastmodifieddate": CREATED})
    return records


def _labels(extra: bool) -> dict[str, list[dict]]:
    unlabeled = {"contacts": 200, "companies": 188, "deals": 212, "tickets": 226}
    # The unlabeled default type has no label. HubSpot answers `"label": null`, which its own spec
    # (a non-nullable string) forbids; leaving the optional key out satisfies both readings.
    labels = {kind: [{"category": "HUBSPOT_DEFINED", "typeId": type_id}] for kind, type_id in unlabeled.items()}
    if extra:
        # One label of each non-default category, so every associationCategory value has a valid use.
        labels["contacts"].append({"category": "USER_DEFINED", "typeId": 1001, "label": "Entscheider"})
        labels["companies"].append({"category": "INTEGRATOR_DEFINED", "typeId": 2001, "label": "Über Integration"})
        labels["deals"].append({"category": "WORK", "typeId": 3001, "label": "Projektbezug"})
    return labels


def demo_portals() -> list[Portal]:
    main = Portal(
        hub_id=24681357, domain="demo-portal.sandbox.local", name="Demo Portal",
        members=[5120001, 5120002, 5120003, 5120004, 5120005],
        owners=[
            Owner("71234500101", 5120001, "lena.mueller@example.de", "Lena", "Müller"),
            Owner("71234500102", 5120002, "jonas.weiss@example.de", "Jonas", "Weiß"),
            Owner("71234500103", 5120003, "sarah.thompson@example.com", "Sarah", "Thompson"),
            Owner("71234500104", 5120004, "max.alt@example.de", "Max", "Alt", archived=True),
        ],
        records=_records(seed=1, prefix=24681357, sizes={"contacts": 520, "companies": 110, "deals": 60, "tickets": 35}),
        labels=_labels(extra=True),
    )
    second = Portal(
        hub_id=13572468, domain="zweites-portal.sandbox.local", name="Zweites Portal",
        members=[5120001, 5120006],
        owners=[
            Owner("82345600201", 5120001, "lena.mueller@example.de", "Lena", "Müller"),
            Owner("82345600206", 5120006, "tom.becker@example.de", "Tom", "Becker"),
        ],
        records=_records(seed=2, prefix=13572468, sizes={"contacts": 40, "companies": 12, "deals": 8, "tickets": 5}),
        labels=_labels(extra=False),
    )
    return [main, second]


# Meetings already in the demo portal's calendars (`--demo-meetings`, which `make run` sets), so the
# form's conflict check has something to find: (owner id, title, Berlin wall-clock start, minutes).
DEMO_MEETINGS = [
    ("71234500102", "Quartalsgespräch Globex", time(10, 0), 60),
    ("71234500101", "Teamrunde Vertrieb", time(14, 0), 30),
    ("71234500103", "Pipeline review", time(10, 30), 60),
]
DEMO_ZONE = "Europe/Berlin"


def next_working_day(today: date) -> date:
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def demo_meetings(now: datetime) -> list[dict]:
    """The demo portal's meetings on the next working day after `now` (Berlin), as the scheduler would store them."""
    zone = ZoneInfo(DEMO_ZONE)
    day = next_working_day(now.astimezone(zone).date())
    meetings = []
    for owner_id, title, starts, minutes in DEMO_MEETINGS:
        start = datetime.combine(day, starts, tzinfo=zone).astimezone(UTC)
        end = start + timedelta(minutes=minutes)
        stamp, start_text, end_text = (moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
                                       for moment in (now.astimezone(UTC), start, end))
        meetings.append({
            "properties": {
                "hs_meeting_title": title, "hubspot_owner_id": owner_id, "hs_timestamp": start_text,
                "hs_meeting_start_time": start_text, "hs_meeting_end_time": end_text, "hs_meeting_outcome": "SCHEDULED",
                "hs_createdate": stamp, "hs_lastmodifieddate": stamp,
            },
            "associations": {}, "reminders": [], "timezone": DEMO_ZONE, "createdAt": stamp,
        })
    return meetings
