"""Loading: the schema, migrations, idempotent upserts and curation."""
