"""Trigram indexes for the fleet list's search (a phone, a name, an instance id typed in
part): on PostgreSQL, ``icontains`` (``UPPER(col) LIKE UPPER('%term%')``) then reads a GIN
index instead of every row. Nothing on other databases (SQLite, the embedded defaults):
the search still works there, by a scan."""

from django.db import migrations

COLUMNS = ["name", "zapi_id", "phone"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS instance_{column}_trgm ON instances_instance"
            f" USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS instance_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("instances", "0008_fleet_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
