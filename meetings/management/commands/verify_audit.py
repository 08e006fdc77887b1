"""`manage.py verify_audit [--csv FILE] [--anchor SEQ:LINK]`: does the audit chain hold? Exit 0 if so, else 1."""

import csv

from django.core.management.base import BaseCommand, CommandError

from meetings.audit import chain as audit


class Command(BaseCommand):
    help = ("Walk the audit chain in sequence order and check every entry's field digests and link; with --csv, "
            "check an exported file on its own. Exits 1 and names the first entry that does not fit.")

    def add_arguments(self, parser):
        parser.add_argument("--csv", dest="csv_file", metavar="FILE",
                            help="check this export (All meetings → Download CSV) instead")
        parser.add_argument("--anchor", dest="anchors", metavar="SEQ:LINK", action="append", default=[],
                            help="a head of the chain kept outside the database (the log's or the anchor file's "
                                 "'audit chain anchor' line, a mail): the chain must still hold it (repeatable)")

    def handle(self, *args, csv_file: str | None, anchors: list[str], **options):
        if csv_file:
            try:
                result = audit.verify_csv(csv_file)
            except (OSError, UnicodeDecodeError, csv.Error) as error:
                raise CommandError(f"Cannot read {csv_file}: {error}") from None
            what = f"{result.checked} rows of {csv_file}"
        else:
            try:
                kept = [audit.Anchor.parse(text, "--anchor") for text in anchors]
            except ValueError as error:
                raise CommandError(str(error)) from None
            result = audit.verify_chain(anchors=kept)
            audit.verification_record(result)
            what = f"{result.checked} chain entries"
        timing = f"checked {what} in {result.seconds:.2f} s"
        if not result.holds:
            raise CommandError(f"The audit chain is broken at {result.first_break} ({timing}).")
        # The head as --anchor takes it: keep it somewhere the database's users cannot write.
        head = (f"; last sequence {result.head_seq}, link {result.head_link} (anchor "
                f"{result.head_seq}:{result.head_link})" if result.head_seq else "")
        self.stdout.write(f"The audit chain holds: {timing}{head}.")
