"""Alembic migrations of the bot's database, run at every start (`bot.storage.database.migrate`)."""
