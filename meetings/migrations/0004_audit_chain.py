# The audit trail's keyed hash chain (meetings/audit/chain.py, docs/audit.md): its fields, its head, the erasure
# log, the verifications and the admin's retention; then every record that is final already joins the chain.

import django.core.validators
import django.utils.timezone
from django.db import migrations, models


BATCH = 2000


def chain_final_records(apps, schema_editor):
    """The records final before the chain existed join it in id order, so verify_audit covers them too.

    Uses the chain's own canonical form (meetings.audit.chain) with this migration's models: the same digests
    and links chain_append would have written.
    """
    from meetings.audit import chain as audit

    records = apps.get_model("meetings", "MeetingRecord").objects
    head = apps.get_model("meetings", "AuditChainHead").objects.create(pk=audit.HEAD_PK)
    kid, key = audit.signing_key()
    final = records.filter(status__in=["created", "failed", "not_created"]).order_by("pk")
    for start in range(0, final.count(), BATCH):
        batch = list(final[start:start + BATCH])
        for record in batch:
            head.length += 1
            stored = {name: getattr(record, name) for name in audit.RECORD_FIELDS}
            digests = {name: audit.field_digest(key, name, value) for name, value in stored.items()}
            digest = audit.entry_digest("record", record.pk, head.length, kid, digests)
            record.audit_seq, record.audit_key_id, record.audit_digests = head.length, kid, digests
            record.audit_link = head.last_link = audit.link_of(key, head.last_link or audit.GENESIS, digest)
        records.bulk_update(batch, ["audit_seq", "audit_key_id", "audit_digests", "audit_link"])
    head.last_key_id = kid if head.length else ""
    head.save()


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0003_reconciliation'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('length', models.PositiveBigIntegerField(default=0, verbose_name='entries')),
                ('last_link', models.CharField(blank=True, max_length=64, verbose_name='last link')),
                ('last_key_id', models.CharField(blank=True, max_length=16, verbose_name='last key id')),
            ],
            options={
                'verbose_name': 'audit chain head',
                'verbose_name_plural': 'audit chain head',
            },
        ),
        migrations.CreateModel(
            name='AuditErasure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('audit_seq', models.PositiveBigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='chain sequence')),
                ('audit_key_id', models.CharField(blank=True, editable=False, max_length=16, verbose_name='chain key id')),
                ('audit_link', models.CharField(blank=True, editable=False, max_length=64, verbose_name='chain link')),
                ('audit_bridge', models.CharField(blank=True, editable=False, max_length=64, verbose_name='link under the previous key')),
                ('audit_digests', models.JSONField(blank=True, default=dict, editable=False, verbose_name='field digests')),
                ('audit_redactions', models.JSONField(blank=True, default=dict, editable=False, verbose_name='redacted fields')),
                ('subject_kind', models.CharField(choices=[('rep', 'Rep'), ('contact', 'Contact')], max_length=16, verbose_name='whose data')),
                ('subject_digest', models.CharField(max_length=64, verbose_name='person (keyed digest)')),
                ('requested_by', models.CharField(max_length=255, verbose_name='requested by')),
                ('record_ids', models.JSONField(default=list, verbose_name='records redacted')),
                ('redacted_fields', models.JSONField(default=list, verbose_name='fields redacted')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='erased at')),
            ],
            options={
                'verbose_name': 'erasure',
                'verbose_name_plural': 'erasures',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AuditRetention',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body_days', models.PositiveIntegerField(default=365, help_text="Older final records keep who, when, status and HubSpot's ids; their bodies, titles, associations and error messages are replaced by their digests.", validators=[django.core.validators.MinValueValidator(1)], verbose_name='keep bodies and personal data for (days)')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='changed at')),
            ],
            options={
                'verbose_name': 'audit retention',
                'verbose_name_plural': 'audit retention',
            },
        ),
        migrations.CreateModel(
            name='AuditVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started at')),
                ('duration_ms', models.PositiveIntegerField(verbose_name='duration (ms)')),
                ('holds', models.BooleanField(verbose_name='chain holds')),
                ('checked', models.PositiveBigIntegerField(verbose_name='entries checked')),
                ('head_seq', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='last sequence number')),
                ('head_link', models.CharField(blank=True, max_length=64, verbose_name='last link')),
                ('break_seq', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='first break at sequence')),
                ('break_entry', models.CharField(blank=True, max_length=64, verbose_name='entry that does not fit')),
                ('reason', models.TextField(blank=True, verbose_name='why')),
            ],
            options={
                'verbose_name': 'audit chain verification',
                'verbose_name_plural': 'audit chain verifications',
                'ordering': ['-started_at', '-id'],
                'get_latest_by': 'started_at',
            },
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_bridge',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='link under the previous key'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_digests',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='field digests'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_key_id',
            field=models.CharField(blank=True, editable=False, max_length=16, verbose_name='chain key id'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_link',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='chain link'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_redactions',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='redacted fields'),
        ),
        migrations.AddField(
            model_name='meetingrecord',
            name='audit_seq',
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='chain sequence'),
        ),
        migrations.RunPython(chain_final_records, migrations.RunPython.noop),
    ]
