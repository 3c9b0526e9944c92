"""The tables, as SQLAlchemy Core sees them; the migrations in `migrations/versions` make them.

Every table that belongs to a server has `guild_id` first in its key and in every index (0 for
what belongs to no server), so the tables can later be partitioned or distributed by server
(Citus' `create_distributed_table(…, 'guild_id')`) as configuration, not as a rewrite.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("guild_id", BigInteger, primary_key=True),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("meeting_id", String(200), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("source", Text, nullable=False),  # the link it was downloaded from, or "attachment"
    Column("data", LargeBinary, nullable=False),  # the bytes as received: a newer reader can read them again
    Column("added_by", BigInteger, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Index("records_guild_meeting", "guild_id", "meeting_id", unique=True),
)

guild_settings = Table(
    "guild_settings",
    metadata,
    Column("guild_id", BigInteger, primary_key=True),
    Column("add_role_id", BigInteger, nullable=True),
)

watches = Table(
    "watches",
    metadata,
    Column("guild_id", BigInteger, primary_key=True),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("channel_id", BigInteger, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("words", Text, nullable=False),
    Column("speaker", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("watches_guild_channel", "guild_id", "channel_id"),
)

shared_corpus = Table(
    "shared_corpus",
    metadata,
    Column("guild_id", BigInteger, primary_key=True),
    Column("files_key", Text, nullable=False),
    Column("digest", Text, nullable=False),
    Column("meetings", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
