# Seals on what the app writes (meetings/audit/seal.py, docs/audit.md "Open records"): a column on every meeting
# record and every stored verification; then the rows that exist are sealed as they read when this runs.

from django.db import migrations, models

BATCH = 2000


def seal_existing(apps, schema_editor):
    """Rows written before seals existed are sealed as they stand now: the release notes (docs/deploy.md) say
    to run `verify_audit` just before deploying, so what is sealed here is what the chain last vouched for.
    Without this, every record still open would be refused by the worker and every "Create it now" refused.
    """
    from meetings.audit import seal

    records = apps.get_model("meetings", "MeetingRecord").objects
    ids = list(records.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(records.filter(pk__in=ids[start:start + BATCH]))
        for record in batch:
            record.audit_seal = seal.record_seal(seal.sealed_values(record))
        records.bulk_update(batch, ["audit_seal"])
    verifications = apps.get_model("meetings", "AuditVerification").objects
    done = list(verifications.all())
    for verification in done:
        verification.seal = seal.verification_seal(
            {name: getattr(verification, name) for name in seal.VERIFICATION_FIELDS})
    verifications.bulk_update(done, ["seal"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0012_outcome_notice'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditverification',
            name='seal',
            field=models.CharField(blank=True, db_default='', max_length=96, verbose_name='seal'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_seal',
            field=models.CharField(blank=True, db_default='', editable=False, max_length=96, verbose_name='seal'),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
