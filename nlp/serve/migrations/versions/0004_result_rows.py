"""Each result keeps its explanation rows (the batch store's form), for the corpus rules.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("results") as table:
        table.add_column(sa.Column("rows", sa.JSON))  # None for a result stored before: re-run it to include it


def downgrade():
    with op.batch_alter_table("results") as table:
        table.drop_column("rows")
