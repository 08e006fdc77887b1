"""Meeting templates: saved form values to start new meetings from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingTemplate(models.Model):
    """Form values a rep (or, for the whole portal, an admin) saved to start new meetings from.

    Written only through `meetings.presets.services`, which also decides who sees and changes which.
    `values` holds only the fields a template may carry (`TEMPLATE_FIELDS` there): never times,
    associations, attachments or an idempotency key.
    """

    name = models.CharField(_("name"), max_length=100)
    # The name case-folded in Python: unique in any letter case, also beyond ASCII (SQLite's LOWER is ASCII only).
    name_key = models.CharField(_("name, case-folded"), max_length=100, editable=False)
    # No owner: a team template, offered to every rep of the portal.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="meeting_templates", verbose_name=_("owner"),
    )
    hub_id = models.BigIntegerField(_("portal (hub) id"))
    values = models.JSONField(_("form values"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("meeting template")
        verbose_name_plural = _("meeting templates")
        ordering = ["name_key", "id"]
        permissions = [("manage_team_meeting_templates", _("Can publish, rename and delete team meeting templates"))]
        indexes = [models.Index(fields=["hub_id", "owner"], name="template_portal_owner_idx")]
        constraints = [
            # Per owner and portal; NULL owners are not equal in SQL, so team templates get a constraint of their own.
            models.UniqueConstraint(
                fields=["name_key", "owner", "hub_id"], condition=models.Q(owner__isnull=False),
                name="template_name_per_owner_portal",
            ),
            models.UniqueConstraint(
                fields=["name_key", "hub_id"], condition=models.Q(owner__isnull=True),
                name="template_name_per_team_portal",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = self.name.casefold()
        if "update_fields" in kwargs and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_team(self) -> bool:
        return self.owner_id is None
