"""The audit trail you can prove: a keyed hash chain over every final record (docs/audit.md).

When a meeting record becomes final (created, failed, not created) — or an erasure is logged —
it takes the next sequence number and stores

    link = HMAC-SHA256(key, previous link ‖ digest)

where `digest` is the SHA-256 of a canonical serialisation (sorted-key JSON) of the entry's kind,
id, sequence number, key id and one keyed digest per audited field. The per-field digests are
stored, so a field can later be redacted (its value replaced by a marker, `audit_redactions`
saying why) while its digest — and with it the chain — stays. `verify_chain` walks the chain in
sequence order and names the first entry that does not fit; `verify_csv` checks an export alone.

The key comes from `AUDIT_CHAIN_KEYS` (env `AUDIT_CHAIN_KEY`, `new,old`): the first signs, all verify.
The first entry under a new key also carries its link under the previous key (`audit_bridge`).
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import hmac
import io
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meetings.audit import seal
from meetings.audit.keys import canonical, signing_key, typed, verifying_keys
from meetings.audit.models import AuditChainHead, AuditErasure, AuditVerification
from meetings.core.models import ChainedEntry, MeetingRecord

logger = logging.getLogger("meetings.audit.chain")

GENESIS = "0" * 64
HEAD_PK = 1
CHUNK = 2000

# Every field whose value the chain vouches for. `user_id` is the rep ("who").
RECORD_FIELDS = (
    "idempotency_key", "user_id", "hubspot_user_id", "owner_id", "hub_id", "hub_domain", "status",
    "hubspot_meeting_id", "title", "start_at", "end_at", "time_zone", "associations", "request_payload",
    "response_status", "response_body", "error_category", "error_message", "correlation_id", "attempts",
    "reconciliation", "duration_ms", "created_at", "finished_at",
)
ERASURE_FIELDS = ("subject_kind", "subject_digest", "requested_by", "record_ids", "redacted_fields", "created_at")
KINDS: dict[str, tuple[type[ChainedEntry], tuple[str, ...]]] = {
    "record": (MeetingRecord, RECORD_FIELDS),
    "erasure": (AuditErasure, ERASURE_FIELDS),
}
KIND_OF = {model: kind for kind, (model, _fields) in KINDS.items()}

# What a redacted field holds instead of its value: of the field's type, so pages and code that read
# it keep working (a list stays a list). Only these fields of a meeting record may be redacted.
REDACTION_MARKERS = {
    "title": "[redacted]",
    "associations": [],
    "request_payload": {"redacted": True},
    "response_body": {"redacted": True},
    "error_message": "[redacted]",
    "hubspot_user_id": 0,
    "owner_id": "[redacted]",
}
RETENTION = "retention"
ERASURE_PREFIX = "erasure:"


def field_digest(key: bytes, name: str, value) -> str:
    """Keyed, so a redacted title cannot be guessed back from its digest by anyone without the key."""
    return hmac.digest(key, canonical([name, typed(value)]), "sha256").hex()


def entry_digest(kind: str, pk: int, seq: int, kid: str, digests: dict[str, str]) -> str:
    document = {"kind": kind, "id": pk, "seq": seq, "key": kid, "fields": digests}
    return hashlib.sha256(canonical(document)).hexdigest()


def link_of(key: bytes, previous: str, digest: str) -> str:
    return hmac.digest(key, bytes.fromhex(previous) + bytes.fromhex(digest), "sha256").hex()


def subject_digest(kind: str, identifier: str) -> str:
    """How the erasure log names a person: provable with the key, unreadable without it."""
    _kid, key = signing_key()
    return hmac.digest(key, canonical([kind, identifier.strip().casefold()]), "sha256").hex()


# --- appending --------------------------------------------------------------------------------

def chain_append(entry: ChainedEntry) -> None:
    """Give an entry that just became final the next sequence number and its link.

    Call it inside the transaction whose UPDATE made the entry final, after that UPDATE: the chain
    fields then commit or roll back with it, and digest what the database really holds.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("chain_append must run inside the transaction that makes the entry final")
    kind = KIND_OF[type(entry)]
    model, fields = KINDS[kind]
    # Claiming the number is the first write to the head row, and so also the lock: PostgreSQL holds the
    # row until commit and SQLite its single write lock, so a concurrent append waits here and reads the
    # head only after this one has committed — one chain, no fork, no gap.
    if not AuditChainHead.objects.filter(pk=HEAD_PK).update(length=F("length") + 1):
        # The very first entry (the row comes with the migration, but a flushed test database lacks it).
        # ON CONFLICT DO NOTHING: a concurrent first append waits for this insert instead of failing.
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_PK)], ignore_conflicts=True)
        AuditChainHead.objects.filter(pk=HEAD_PK).update(length=F("length") + 1)
    head = AuditChainHead.objects.get(pk=HEAD_PK)
    stored = model.objects.filter(pk=entry.pk, audit_seq__isnull=True).values(*fields).get()
    chained = _chain_fields(kind, entry.pk, head, stored, fields)
    model.objects.filter(pk=entry.pk).update(**chained)
    AuditChainHead.objects.filter(pk=HEAD_PK).update(last_link=chained["audit_link"],
                                                     last_key_id=chained["audit_key_id"])
    for name, value in chained.items():
        setattr(entry, name, value)


def _chain_fields(kind: str, pk: int, head: AuditChainHead, stored: dict, fields: tuple[str, ...]) -> dict:
    kid, key = signing_key()
    digests = {name: field_digest(key, name, stored[name]) for name in fields}
    digest = entry_digest(kind, pk, head.length, kid, digests)
    previous = head.last_link or GENESIS
    bridge = ""
    if head.last_key_id and head.last_key_id != kid:
        # A new key starts a segment: its first link is signed by the old key too, so the two segments join.
        old = verifying_keys().get(head.last_key_id)
        if old is None:
            raise ImproperlyConfigured(
                f"AUDIT_CHAIN_KEY no longer holds the key that signed the chain's last entry (key id "
                f"{head.last_key_id}): list it after the new key (new,old)."
            )
        bridge = link_of(old, previous, digest)
    return {"audit_seq": head.length, "audit_key_id": kid, "audit_digests": digests, "audit_entry_digest": digest,
            "audit_link": link_of(key, previous, digest), "audit_bridge": bridge}


# --- redacting --------------------------------------------------------------------------------

def redact(record_ids: list[int], fields: tuple[str, ...], reason: str) -> int:
    """Replace the fields' values of these chained, final records by their markers; their digests stay.

    Returns how many records changed. Fields already redacted keep their first reason.
    """
    unknown = set(fields) - set(REDACTION_MARKERS)
    if unknown:
        raise ValueError(f"not redactable: {sorted(unknown)}")
    records = list(MeetingRecord.objects.filter(pk__in=record_ids, audit_seq__isnull=False,
                                                status__in=MeetingRecord.FINAL_STATUSES))
    changed = []
    for record in records:
        todo = [name for name in fields if name not in record.audit_redactions]
        if not todo:
            continue
        for name in todo:
            setattr(record, name, REDACTION_MARKERS[name])
        record.audit_redactions = {**record.audit_redactions, **dict.fromkeys(todo, reason)}
        changed.append(record)
    # bulk_update, not save(): final records refuse save(), and only these columns may change.
    MeetingRecord.objects.bulk_update(changed, [*fields, "audit_redactions"])
    return len(changed)


# --- verifying --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    seq: int | None
    entry: str  # e.g. "meeting record 42"
    reason: str

    def __str__(self) -> str:
        where = f"sequence {self.seq}, " if self.seq is not None else ""
        return f"{where}{self.entry}: {self.reason}"


@dataclass(frozen=True)
class Verification:
    checked: int
    seconds: float
    head_seq: int | None = None
    head_link: str = ""
    first_break: Break | None = None

    @property
    def holds(self) -> bool:
        return self.first_break is None


def _entry_name(kind: str, pk) -> str:
    return f"meeting record {pk}" if kind == "record" else f"erasure {pk}"


def _stream(kind: str) -> Iterator[tuple[int, str, dict]]:
    model, fields = KINDS[kind]
    rows = (model.objects.filter(audit_seq__isnull=False).order_by("audit_seq")
            .values("pk", "audit_seq", "audit_key_id", "audit_link", "audit_bridge", "audit_digests",
                    "audit_entry_digest", "audit_redactions", *fields)
            .iterator(chunk_size=CHUNK))
    for row in rows:
        yield row["audit_seq"], kind, row


def _entries() -> Iterator[tuple[int, str, dict]]:
    """Every chained entry of both tables, in one sequence order, a chunk at a time."""
    return heapq.merge(_stream("record"), _stream("erasure"), key=lambda item: item[0])


class _Walk:
    """The state of one walk: what the next entry must follow."""

    def __init__(self, keys: dict[str, bytes], erasures: dict[int, set[int]]):
        self.keys = keys
        self.erasures = erasures
        self.expected = 1
        self.previous = GENESIS
        self.previous_kid = ""

    def check(self, seq: int, kind: str, row: dict) -> str | None:
        """Why this entry does not fit, or None; on success it becomes the one the next must follow."""
        if seq < self.expected:
            return f"out of order: sequence {seq} is used twice (a forked or re-numbered chain)"
        if seq > self.expected:
            missing = str(self.expected) if seq == self.expected + 1 else f"{self.expected}–{seq - 1}"
            return f"gap: sequence {missing} is missing before it (deleted or re-numbered)"
        key = self.keys.get(row["audit_key_id"])
        if key is None:
            return f"signed with key id {row['audit_key_id']!r}, which AUDIT_CHAIN_KEY does not hold"
        problem = self._edited(kind, row, key) or self._linked(kind, row, key)
        if problem:
            return problem
        self.expected, self.previous, self.previous_kid = seq + 1, row["audit_link"], row["audit_key_id"]
        return None

    def _edited(self, kind: str, row: dict, key: bytes) -> str | None:
        fields = KINDS[kind][1]
        digests, redactions = row["audit_digests"], row["audit_redactions"]
        if not isinstance(digests, dict) or set(digests) != set(fields):
            return "edited: its field digests were changed"
        for name in fields:
            if name in redactions:
                if problem := self._bad_redaction(kind, row, name, redactions[name]):
                    return problem
            elif not hmac.compare_digest(field_digest(key, name, row[name]), str(digests[name])):
                return f"edited: {name} no longer matches its digest"
        return None

    def _bad_redaction(self, kind: str, row: dict, name: str, reason) -> str | None:
        if kind != "record" or name not in REDACTION_MARKERS:
            return f"edited: {name} is marked redacted but may not be"
        if row[name] != REDACTION_MARKERS[name]:
            return f"edited: {name} is marked redacted but holds a value"
        if reason == RETENTION:
            return None
        erasure = str(reason).removeprefix(ERASURE_PREFIX)
        if not (str(reason).startswith(ERASURE_PREFIX) and erasure.isdigit()
                and row["pk"] in self.erasures.get(int(erasure), ())):
            return f"edited: {name} is redacted for {reason!r}, which no chained erasure covers"
        return None

    def _linked(self, kind: str, row: dict, key: bytes) -> str | None:
        digest = entry_digest(kind, row["pk"], row["audit_seq"], row["audit_key_id"], row["audit_digests"])
        if not hmac.compare_digest(link_of(key, self.previous, digest), row["audit_link"] or ""):
            return "wrong link: it does not follow from the previous link and its own digest"
        if row["audit_entry_digest"] != digest:  # exports copy the stored one: it must be the one the link signs
            return "edited: its stored entry digest no longer fits its field digests"
        if self.previous_kid and self.previous_kid != row["audit_key_id"]:
            old = self.keys.get(self.previous_kid)
            if old is None:
                return f"the key changes here, but AUDIT_CHAIN_KEY does not hold the old key {self.previous_kid!r}"
            if not hmac.compare_digest(link_of(old, self.previous, digest), row["audit_bridge"] or ""):
                return "wrong link: the key changes here without a link signed by the previous key"
        return None


def _chained_erasures() -> dict[int, set[int]]:
    """Which records each logged erasure covers (few rows: one per person erased)."""
    rows = AuditErasure.objects.filter(audit_seq__isnull=False).values_list("pk", "record_ids")
    return {pk: set(ids or ()) for pk, ids in rows}


@dataclass(frozen=True)
class Anchor:
    """The chain's end as it was seen once, kept where the database cannot reach (docs/audit.md, "Anchors")."""

    seq: int
    link: str
    source: str  # where it was kept, for the message: "--anchor", the anchor file

    @classmethod
    def parse(cls, text: str, source: str) -> Anchor:
        """`seq:link`, as the log, the anchor file and `verify_audit` print it; ValueError otherwise."""
        seq, _sep, link = text.strip().partition(":")
        if not (seq.isdigit() and int(seq) > 0 and len(link) == 64 and all(c in "0123456789abcdef" for c in link)):
            raise ValueError(f"not an anchor (sequence:link, e.g. 120:{'0' * 64}): {text.strip()[:80]!r}")
        return cls(int(seq), link, source)

    def __str__(self) -> str:
        return f"{self.seq}:{self.link}"


def anchor_from_file() -> Anchor | None:
    """The last head the verifications wrote to `AUDIT_ANCHOR_FILE`, if one is configured and written."""
    path = settings.AUDIT_ANCHOR_FILE
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            lines = [line for line in file if line.strip()]
    except FileNotFoundError:
        return None
    # A line is "time seq:link"; the last one is the newest head.
    return Anchor.parse(lines[-1].split()[-1], f"AUDIT_ANCHOR_FILE {path}") if lines else None


def verify_chain(*, anchors: list[Anchor] = ()) -> Verification:
    """Walk the whole chain in sequence order; stop at the first entry that does not fit.

    Every anchor (a head kept outside the database: those given, and the last one in `AUDIT_ANCHOR_FILE`) must
    name an entry the chain still has, with the link it had then.
    """
    started = time.monotonic()
    walk = _Walk(verifying_keys(), _chained_erasures())
    checked, last_seq = 0, None

    def result(first_break: Break | None = None) -> Verification:
        return Verification(checked=checked, seconds=time.monotonic() - started, head_seq=last_seq,
                            head_link=walk.previous if last_seq else "", first_break=first_break)

    try:
        anchors = [*anchors, *filter(None, [anchor_from_file()])]
    except (OSError, ValueError) as error:  # an anchor file no one can read proves nothing: say so
        return result(Break(None, "AUDIT_ANCHOR_FILE", f"unreadable: {error}"))
    kept = {anchor.seq: anchor for anchor in anchors}

    for seq, kind, row in _entries():
        if problem := walk.check(seq, kind, row):
            return result(Break(seq, _entry_name(kind, row["pk"]), problem))
        if seq in kept and kept[seq].link != walk.previous:
            return result(Break(seq, _entry_name(kind, row["pk"]),
                                f"wrong link: the anchor kept in {kept[seq].source} names another link here "
                                f"({kept[seq].link[:12]}…): the chain was rewritten from here or before"))
        checked, last_seq = checked + 1, seq
    length = last_seq or 0
    beyond = max((anchor for anchor in anchors if anchor.seq > length), key=lambda a: a.seq, default=None)
    if beyond is not None:
        return result(Break(length + 1, "the chain's end",
                            f"gap: the anchor kept in {beyond.source} names sequence {beyond.seq}, but the chain "
                            f"ends at {length} (tail deleted)"))
    return result(_ends_where_it_should(length, walk.previous) or _verifications_fit(length)
                  or _erasures_still_done() or _open_records_sealed())


def _ends_where_it_should(length: int, last_link: str) -> Break | None:
    """After the walk: the tail is all there, and no final record stands outside the chain."""
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first() or AuditChainHead(length=0)
    if head.length > length:
        return Break(length + 1, "the chain's end",
                     f"gap: the head counts {head.length} entries but the chain ends at {length} (tail deleted)")
    if length and (head.length != length or head.last_link != last_link):
        return Break(length, "the chain's head",
                     "wrong link: the head (missing, or at another entry) does not end where the chain ends")
    outside = (MeetingRecord.objects.filter(status__in=MeetingRecord.FINAL_STATUSES, audit_seq__isnull=True)
               .order_by("pk").values_list("pk", flat=True).first())
    if outside is not None:
        return Break(None, _entry_name("record", outside), "missing: final, but not in the chain (inserted directly?)")
    return None


def _verifications_fit(length: int) -> Break | None:
    """No stored verification was written or changed outside the app, and none saw a longer chain.

    Only sealed verifications are believed: one whose seal does not fit is named (and its numbers ignored), so
    setting the verifications back along with the head shows. Deleting them does not: the anchors do.
    """
    for verification in AuditVerification.objects.order_by("-started_at", "-id").iterator(chunk_size=CHUNK):
        if not seal.verification_fits(verification):
            return Break(None, f"verification {verification.pk}",
                         "edited: its seal does not fit (written or changed outside the app); its numbers are ignored")
        if verification.holds and verification.head_seq is not None and verification.head_seq > length:
            return Break(length + 1, "the chain's end",
                         f"gap: the chain verified up to {verification.head_seq} on "
                         f"{verification.started_at:%Y-%m-%d} but now ends at {length}")
    return None


def _erasures_still_done() -> Break | None:
    """Every record a chained erasure lists is still redacted in the fields it lists.

    The chain alone would not see an erasure undone: values restored from a backup fit their digests again, and
    with the redaction marks cleared the record reads as if never erased.
    """
    erasures = (AuditErasure.objects.filter(audit_seq__isnull=False).order_by("audit_seq")
                .values_list("pk", "audit_seq", "record_ids", "redacted_fields"))
    for pk, seq, record_ids, fields in erasures.iterator(chunk_size=CHUNK):
        ids = list(record_ids or ())
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            redactions = dict(MeetingRecord.objects.filter(pk__in=chunk).values_list("pk", "audit_redactions"))
            for record_id in chunk:
                if record_id not in redactions:
                    return Break(seq, _entry_name("record", record_id),
                                 f"gap: erasure {pk} lists it, but it is gone (deleted)")
                undone = [name for name in fields or () if name not in (redactions[record_id] or {})]
                if undone:
                    return Break(seq, _entry_name("record", record_id),
                                 f"erasure undone: erasure {pk} redacted its {', '.join(undone)}, which no "
                                 "longer are (restored?)")
    return None


def _open_records_sealed() -> Break | None:
    """Every open record was written by the app (its seal fits): the worker would refuse any other."""
    open_records = MeetingRecord.objects.exclude(status__in=MeetingRecord.FINAL_STATUSES).order_by("pk")
    for record in open_records.only("status", "audit_seal", *seal.SEALED_FIELDS).iterator(chunk_size=CHUNK):
        if not seal.seal_fits(record):
            return Break(None, _entry_name("record", record.pk),
                         f"forged: {record.status}, but its seal does not fit (written outside the app); the worker "
                         "refuses it and it is never sent, settled or chained")
    return None


def verification_record(result: Verification) -> AuditVerification:
    """Keep the outcome, sealed: the admins' list page shows the last one, and the next walk compares lengths.

    A walk that held also writes the head where the database cannot reach it (`anchor_head`).
    """
    broken = result.first_break
    if broken is None:
        logger.info("audit chain holds: %s entries in %.1f s, head %s %s", result.checked, result.seconds,
                    result.head_seq, result.head_link)
    else:
        logger.error("audit chain broken after %s entries: %s", result.checked, broken)
    values = {"started_at": timezone.now(), "holds": result.holds, "checked": result.checked,
              "head_seq": result.head_seq, "head_link": result.head_link,
              "break_seq": broken.seq if broken else None, "break_entry": broken.entry if broken else "",
              "reason": broken.reason if broken else ""}
    verification = AuditVerification.objects.create(duration_ms=int(result.seconds * 1000),
                                                    seal=seal.verification_seal(values), **values)
    if broken is None and result.head_seq:
        anchor_head(Anchor(result.head_seq, result.head_link, ""), values["started_at"])
    return verification


def anchor_head(head: Anchor, at) -> None:
    """Write the chain's end where someone with the database alone cannot change it.

    Always the log (ship it off the machine); with `AUDIT_ANCHOR_FILE` a line appended to that file (a path the
    database's owner cannot write: another host's mount, an append-only file); with `AUDIT_ANCHOR_EMAILS` a mail
    to those addresses. A failure to write either is logged, never fatal: the verification itself is done.
    """
    line = f"{at.astimezone(UTC).isoformat(timespec='seconds')} {head}"
    logger.info("audit chain anchor: %s", line)
    if settings.AUDIT_ANCHOR_FILE:
        try:
            with open(settings.AUDIT_ANCHOR_FILE, "a", encoding="utf-8") as file:
                file.write(line + "\n")
        except OSError as error:
            logger.error("audit chain anchor not written to AUDIT_ANCHOR_FILE: %s", error)
    if settings.AUDIT_ANCHOR_EMAILS and not settings.EMAIL_URL:
        logger.error("audit chain anchor not mailed to AUDIT_ANCHOR_EMAILS: EMAIL_URL names no mail server")
    elif settings.AUDIT_ANCHOR_EMAILS:
        try:
            send_mail("Meeting Booker audit chain anchor", f"The audit chain held at {line}.\n\nKeep this line: "
                      f"`manage.py verify_audit --anchor {head}` checks the chain still holds it.\n",
                      None, settings.AUDIT_ANCHOR_EMAILS)
        except (OSError, SMTPException) as error:
            logger.error("audit chain anchor not mailed to AUDIT_ANCHOR_EMAILS: %s", error)


def latest_verification() -> AuditVerification | None:
    """The newest verification whose seal fits: one written or changed outside the app is not believed."""
    newest = AuditVerification.objects.first()
    if newest is None or seal.verification_fits(newest):
        return newest
    return next((v for v in AuditVerification.objects.all()[1:100] if seal.verification_fits(v)), None)


# --- the export and its check -----------------------------------------------------------------

# The columns every exported row ends with, in this order (the check finds them from the end).
CSV_CHAIN_COLUMNS = 6
# What a row seal starts with since it signs the row's text (`row_sealer`); seals without it sign the cells
# as a JSON array (`canonical`), as exports made before did, and still verify.
LINE_SEAL = "v2"
_CSV_LINE_END = "\r\n"


def row_sealer() -> Callable[[bytes], bytes]:
    """The export's seals, one row after the other in the file's order: `v2:keyid:mac` with

        mac = HMAC(key, the previous row's mac ‖ the row's text up to its seal cell)

    (GENESIS before the first row). The text is the line as the file has it before its last delimiter: the
    cells quoted as the csv module quotes them (QUOTE_MINIMAL), without the line end; `verify_csv` gets it
    back from the cells it reads (`row_text`). A cell edited in the file no longer fits its row's seal, and
    a row deleted or moved no longer fits the seal of the row after it. The key is looked up once and keyed
    into one `hmac` object, which each row copies (the keyed pads are not hashed again per row). Text and
    seal are UTF-8 bytes, as the file holds them: the export never decodes what it only signs and writes.
    """
    kid, key = signing_key()
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    prefix = f"{LINE_SEAL}:{kid}:".encode()
    previous = GENESIS.encode()

    def seal(text: bytes) -> bytes:
        nonlocal previous
        row = keyed.copy()
        row.update(previous)
        row.update(text)
        previous = row.hexdigest().encode()
        return prefix + previous

    return seal


def row_text(cells: list[str], delimiter: str) -> str:
    """A row's cells as the export writes them, without the line end: what a line seal signs."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(cells)
    return buffer.getvalue().removesuffix(_CSV_LINE_END)


@dataclass(frozen=True)
class _CsvRow:
    line: int
    seq: int
    kid: str
    digest: str
    previous: str
    link: str


def verify_csv(path) -> Verification:
    """Check an exported file on its own: every row's seal and link, and the links of consecutive rows."""
    started = time.monotonic()
    keys = verifying_keys()
    rows: list[_CsvRow] = []
    checked = 0
    with open(path, newline="", encoding="utf-8-sig") as file:
        # Commas, or semicolons as a German export has them (German spreadsheets expect those).
        delimiter = ";" if file.readline().count(";") > 0 else ","
        reader = csv.reader(file, delimiter=delimiter)
        sealed_before = GENESIS  # the mac of the row before, which a v2 seal signs with its own row
        for cells in reader:
            line = reader.line_num + 1  # the header was read above
            problem, row = _check_csv_row(line, cells, keys, delimiter, sealed_before)
            if problem:
                return Verification(checked, time.monotonic() - started,
                                    first_break=Break(row.seq if row else None, f"line {line}", problem))
            checked += 1
            sealed_before = cells[-1].rpartition(":")[2]
            if row:
                rows.append(row)
    rows.sort(key=lambda row: row.seq)
    broken = _check_consecutive(rows)
    last = rows[-1] if rows else None
    return Verification(checked, time.monotonic() - started, head_seq=last.seq if last else None,
                        head_link=last.link if last else "", first_break=broken)


def _check_csv_row(line: int, cells: list[str], keys: dict[str, bytes], delimiter: str,
                   sealed_before: str) -> tuple[str | None, _CsvRow | None]:
    if len(cells) < CSV_CHAIN_COLUMNS:
        return "not a row of this export: the chain columns are missing", None
    *_content, seq, kid, digest, previous, link, signature = cells
    sealed_in_order = signature.startswith(f"{LINE_SEAL}:")
    sign_kid, _sep, mac = signature.removeprefix(f"{LINE_SEAL}:").partition(":")
    sign_key = keys.get(sign_kid)
    if sign_key is None:
        return f"sealed with key id {sign_kid!r}, which AUDIT_CHAIN_KEY does not hold", None
    # Files exported before v2 seal each row alone, its cells as a JSON array (which starts with "[", where a
    # v2 seal's message starts with a mac in hexadecimal: neither passes for the other).
    if sealed_in_order:
        message = f"{sealed_before}{row_text(cells[:-1], delimiter)}".encode()
        edited = "edited: the row's cells no longer match its seal, or the row before it is not the one it followed"
    else:
        message, edited = canonical(cells[:-1]), "edited: the row's cells no longer match its seal"
    sealed = hmac.digest(sign_key, message, "sha256").hex()
    row = _CsvRow(line, int(seq), kid, digest, previous, link) if seq.isdigit() else None
    if not hmac.compare_digest(sealed, mac):
        return edited, row
    if row is None:
        return None, None  # an open record: not in the chain yet
    key = keys.get(kid)
    if key is None:
        return f"signed with key id {kid!r}, which AUDIT_CHAIN_KEY does not hold", row
    try:
        fits = hmac.compare_digest(link_of(key, previous, digest), link)
    except ValueError:
        fits = False
    return (None if fits else "wrong link: it does not follow from its previous link and digest"), row


def _check_consecutive(rows: list[_CsvRow]) -> Break | None:
    """A filtered export skips numbers; where two rows are neighbours in the chain, they must join."""
    for before, after in zip(rows, rows[1:], strict=False):
        if after.seq == before.seq:
            return Break(after.seq, f"line {after.line}", f"out of order: sequence {after.seq} appears twice")
        if after.seq == before.seq + 1 and after.previous != before.link:
            return Break(after.seq, f"line {after.line}",
                         f"wrong link: its previous link is not the link of line {before.line}")
    return None
