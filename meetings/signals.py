"""What must follow a model's change wherever it is made: the service, the admin, a cascade."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from meetings.models import MeetingTemplate
from meetings.templates_service import meeting_template_changed


@receiver([post_save, post_delete], sender=MeetingTemplate, dispatch_uid="meeting-template-chooser")
def _template_changed(sender, instance: MeetingTemplate, **kwargs) -> None:
    meeting_template_changed(instance)
