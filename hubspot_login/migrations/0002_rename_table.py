# The table of the moved HubSpotConnection takes this app's name; rows, indexes and constraints go with it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("hubspot_login", "0001_initial"),
        ("meetings", "0002_hubspotconnection_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="hubspotconnection", table=None),
    ]
