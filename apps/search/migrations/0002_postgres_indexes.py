"""PostgreSQL only: pg_trgm, the GIN indexes on the search vector and the facet keys, trigram indexes for typo
correction (the vocabulary) and Chinese substring matching. SQLite (the embedded default) needs
none of them: its simple backend scans."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_entry_vector ON search_searchentry USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS search_entry_name_zh_trgm ON search_searchentry USING gin (name_zh gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)",
    # The expression must read exactly as PostgresBackend's filters write it, or it goes unused.
    "CREATE INDEX IF NOT EXISTS search_entry_facet_keys ON search_searchentry "
    "USING gin (string_to_array(facet_keys, E'\\n'))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_facet_keys",
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_entry_name_zh_trgm",
    "DROP INDEX IF EXISTS search_entry_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
