# HubSpotConnection now belongs to hubspot_login (its 0001 takes over the model, table untouched).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0001_initial"),
        ("hubspot_login", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HubSpotConnection")],
            database_operations=[],
        ),
    ]
