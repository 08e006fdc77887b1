# Reconciliation of records whose outcome HubSpot left open, and one record per HubSpot meeting.

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def release_meetings_claimed_twice(apps, schema_editor):
    """Before one record per HubSpot meeting is enforced: the earliest record keeps a meeting claimed twice.

    Until this release, a search after a 5xx could pick up an older meeting with the same title and
    start. The later records lose the id and say so in their error message, so the audit stays honest.
    """
    records = apps.get_model("meetings", "MeetingRecord").objects
    claimed_twice = (records.exclude(hubspot_meeting_id="").values("hubspot_meeting_id")
                     .annotate(n=Count("id")).filter(n__gt=1).values_list("hubspot_meeting_id", flat=True))
    for meeting_id in list(claimed_twice):
        for record in records.filter(hubspot_meeting_id=meeting_id).order_by("created_at", "id")[1:]:
            records.filter(pk=record.pk).update(
                hubspot_meeting_id="",
                error_message=(f"{record.error_message} " if record.error_message else "")
                + f"[HubSpot meeting {meeting_id} was also claimed by an earlier record; id released by migration "
                "meetings.0003.]",
            )


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0002_hubspotconnection_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='meetingrecord',
            name='next_check_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='next check'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='reconciliation',
            field=models.JSONField(blank=True, default=list, verbose_name='reconciliation steps'),
        ),
        migrations.AlterField(
            model_name='meetingrecord',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('created', 'Created'), ('failed', 'Failed'), ('unknown', 'Being checked'), ('not_created', 'Not created')], default='pending', max_length=16, verbose_name='status'),
        ),
        migrations.RunPython(release_meetings_claimed_twice, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='meetingrecord',
            constraint=models.UniqueConstraint(condition=models.Q(('hubspot_meeting_id', ''), _negated=True), fields=('hubspot_meeting_id',), name='record_one_per_hubspot_meeting'),
        ),
    ]
