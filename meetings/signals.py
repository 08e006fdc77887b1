"""What must follow a model's change wherever it is made: the service, the admin, a cascade."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hubspot_login.models import HubSpotConnection
from meetings.audit.models import AuditVerification
from meetings.core.models import MeetingRecord, records_written
from meetings.history import pages as history_pages


@receiver([post_save, post_delete], sender=MeetingRecord, dispatch_uid="history-pages-record")
@receiver(records_written, sender=MeetingRecord, dispatch_uid="history-pages-records")
@receiver([post_save, post_delete], sender=AuditVerification, dispatch_uid="history-pages-verification")
def _records_changed(sender, **kwargs) -> None:
    history_pages.records_changed()


# The admin's rows name each record's rep. A sign-in saves only last_login, which no page shows.
SHOWN_USER_FIELDS = {"first_name", "last_name", "email"}


@receiver(post_save, sender=get_user_model(), dispatch_uid="history-pages-rep")
def _rep_changed(sender, update_fields=None, **kwargs) -> None:
    if update_fields is None or SHOWN_USER_FIELDS & set(update_fields):
        history_pages.records_changed()


@receiver(post_save, sender=HubSpotConnection, dispatch_uid="history-pages-connection")
def _rep_connected(sender, created: bool, **kwargs) -> None:
    # A rep connecting HubSpot for the first time joins the admin's rep filter (its own cache, a few minutes).
    if created:
        history_pages.records_changed()
