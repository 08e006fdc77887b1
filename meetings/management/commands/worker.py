"""`manage.py worker`: run the background tasks (django-tasks-db's worker), with the periodic ones kept scheduled."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from meetings.audit.tasks import schedule_audit_tasks
from meetings.booking.tasks import schedule_sweep
from meetings.core.tasks import schedule_task_upkeep
from meetings.history.tasks import schedule_export_cleanup


class Command(BaseCommand):
    help = ("Run background tasks: checks of meetings whose outcome HubSpot left open, the sweep, the audit "
            "chain's daily verification and retention, large exports and the deletion of old ones, and the upkeep "
            "of the task rows.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the tasks that are due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args, batch: bool, interval: float, **options):
        schedule_sweep()
        schedule_audit_tasks()
        schedule_export_cleanup()
        schedule_task_upkeep()
        worker_options = {"interval": interval, "batch": batch, "startup_delay": False, "reload": False}
        call_command("db_worker", verbosity=options["verbosity"], **worker_options)
