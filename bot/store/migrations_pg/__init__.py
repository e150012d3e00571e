"""PostgreSQL migrations, one per SQLite migration with the same number (see bot.store.postgres)."""
