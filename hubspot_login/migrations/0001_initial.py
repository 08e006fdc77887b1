# HubSpotConnection moved here from meetings (meetings.0002 drops it from meetings' state).
# The table stays where it is in this step (no data is copied); 0002 renames it to this app's name.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HubSpotConnection",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("hub_id", models.BigIntegerField(verbose_name="portal (hub) id")),
                        ("hub_domain", models.CharField(blank=True, max_length=255, verbose_name="portal domain")),
                        ("hubspot_user_id", models.BigIntegerField(verbose_name="HubSpot user id")),
                        ("owner_id", models.CharField(blank=True, help_text="Empty when the user is no owner in the portal.", max_length=32, verbose_name="HubSpot owner id")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                        ("scopes", models.JSONField(blank=True, default=list, verbose_name="granted scopes")),
                        ("access_token", models.TextField(blank=True, editable=False)),
                        ("refresh_token", models.TextField(blank=True, editable=False)),
                        ("expires_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("connected_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="connected at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="hubspot", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "HubSpot connection",
                        "verbose_name_plural": "HubSpot connections",
                        "db_table": "meetings_hubspotconnection",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
