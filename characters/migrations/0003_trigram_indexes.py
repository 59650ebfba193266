"""pg_trgm GIN indexes for partial-name and partial-plate lookups. PostgreSQL only: SQLite skips them.

Two flavours per column: on the column itself (`__trigram_similar`, `ILIKE`, similarity ranking) and on
`UPPER(col)`, which is what Django's `icontains` / `istartswith` compare on PostgreSQL.
"""

from django.db import migrations

INDEXES = [
    ("character_first_name_trgm", "characters_character", "first_name"),
    ("character_last_name_trgm", "characters_character", "last_name"),
    ("vehicle_plate_trgm", "characters_vehicle", "plate"),
    ("character_first_name_utrgm", "characters_character", "UPPER(first_name)"),
    ("character_last_name_utrgm", "characters_character", "UPPER(last_name)"),
    ("vehicle_plate_utrgm", "characters_vehicle", "UPPER(plate)"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expr in INDEXES:
        column = expr if expr.startswith("UPPER") else f'"{expr}"'
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({column}) gin_trgm_ops)')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [("characters", "0002_activecharacter_drivinglicense_licensepointentry_and_more")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
