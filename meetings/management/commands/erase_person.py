"""`manage.py erase_person --user EMAIL | --contact ID`: redact one person's data, logged in the audit chain."""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meetings.audit.redaction import person_erase_contact, person_erase_rep
from meetings.history import caches as history_caches
from meetings.portal.caches import forget_everything_seen


class Command(BaseCommand):
    help = ("Erase one person's data from the meeting records: a rep who left (--user EMAIL: account anonymised, "
            "HubSpot tokens revoked, their ids and the bodies redacted) or a contact's data-protection request "
            "(--contact ID: titles, associations, bodies and error messages of their meetings redacted). "
            "Digests stay, so verify_audit still passes; the erasure itself is logged in the chain.")

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", metavar="EMAIL", help="the rep's email address")
        who.add_argument("--contact", metavar="ID", help="the HubSpot contact id")
        parser.add_argument("--by", default=getpass.getuser(), help="who asked for it, for the log (default: you)")

    def handle(self, *args, user: str | None, contact: str | None, by: str, **options):
        if user:
            try:
                erased = person_erase_rep(email=user, requested_by=by)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user with the email address {user!r}.") from None
            except get_user_model().MultipleObjectsReturned:
                raise CommandError(f"More than one user has the email address {user!r}; none was erased.") from None
        else:
            if not contact.strip().isdigit():
                raise CommandError("A HubSpot contact id is a number.")
            erased = person_erase_contact(contact_id=contact, requested_by=by)
        # Names HubSpot showed a rep (a contact's, an owner's) may sit in the caches: none is read again. The
        # history's pages are drawn anew after the redaction's writes; the admin's rep filter names reps.
        forget_everything_seen()
        history_caches.forget_choices()
        log = erased.log
        self.stdout.write(f"Erasure {log.pk} (chain sequence {log.audit_seq}): {len(log.record_ids)} records redacted "
                          f"({', '.join(log.redacted_fields)}).")
        if erased.open_records:
            self.stdout.write(self.style.WARNING(
                f"{erased.open_records} records are still being settled; run this again once they are final."
            ))
