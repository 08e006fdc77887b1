"""Emailing the rep an outcome they have not seen (`meetings.core.notices`).

The record's own page shows the outcome to a rep still watching (it polls every few seconds); only an
outcome still unseen `NOTICE_EMAIL_AFTER_SECONDS` after it settled is emailed, once. Outcomes a request
shows at once (HubSpot refusing the form) need no email.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from meetings.core.models import OutcomeNotice

logger = logging.getLogger("meetings")
# An email about an outcome a day old is no news: the navigation still counts it.
NEWS_FOR = timedelta(days=1)


def email_due_at() -> datetime:
    return timezone.now() + timedelta(seconds=settings.NOTICE_EMAIL_AFTER_SECONDS)


def outcome_notice_email(notice_id: int) -> bool:
    """Email the rep about a notice still unseen, once; True when an email went out."""
    if not settings.EMAIL_URL:
        return False  # no mail server configured: the navigation's count is all the rep gets
    with transaction.atomic():
        notice = (OutcomeNotice.objects.select_for_update(of=("self",)).select_related("record__user__hubspot")
                  .filter(pk=notice_id, seen_at=None, emailed_at=None,
                          created_at__gt=timezone.now() - NEWS_FOR).first())
        if notice is None:
            return False
        record = notice.record
        connection = getattr(record.user, "hubspot", None)
        address = (connection.email if connection else "") or record.user.email
        if not address:
            return False
        language = (connection.language if connection else "") or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"record": record, "record_url": settings.APP_BASE_URL + reverse("history_detail",
                                                                                      args=[record.pk])}
            subject = render_to_string("meetings/email/outcome_notice_subject.txt", context).strip()
            body = render_to_string("meetings/email/outcome_notice.txt", context)
        # Sent inside the row's lock: a second task for this notice waits, then finds it emailed. A mail server
        # that refuses rolls the mark back, and the task tries again later.
        OutcomeNotice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        send_mail(subject, body, None, [address])
    logger.info("meeting record %s: the rep was emailed about its outcome (%s)", record.pk, record.status)
    return True
