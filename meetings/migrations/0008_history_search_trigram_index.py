# The history's text search (search_text LIKE '%…%') on PostgreSQL: a trigram GIN index, so a search
# that matches few of a million records reads those few instead of every row. pg_trgm is a contrib
# extension: where the server does not have it, or this role may not create it, there is no index and the
# search stays what it was (a scan of the newest records until a page is full). SQLite has no such
# index; its search scans, which at 100,000 records is fast enough.

from django.db import DatabaseError, migrations, transaction

INDEX = "record_search_trgm_idx"


def add_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):  # a refusal must not abort the migration
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON meetings_meetingrecord USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0007_export_jobs")]

    operations = [migrations.RunPython(add_trigram_index, drop_trigram_index)]
