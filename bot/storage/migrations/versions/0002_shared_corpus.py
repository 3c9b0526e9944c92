"""What the shared records in the search tables were imported from (VERBATIM_SEARCH=postgres).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_corpus",
        sa.Column("guild_id", sa.BigInteger, primary_key=True),  # 0: the shared records (one row)
        sa.Column("files_key", sa.Text, nullable=False),  # the corpus files' paths, sizes, times, and the parser's code
        sa.Column("digest", sa.Text, nullable=False),  # the records' content, whatever the files' times
        sa.Column("meetings", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shared_corpus")
