"""Each finding keeps the statement cell it cites (nlp.model.Cell as a dict), as `score --format json` gives it.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("findings") as table:  # a finding stored before: no citation (NULL) until a re-run
        table.add_column(sa.Column("cell", sa.JSON, nullable=True))


def downgrade():
    with op.batch_alter_table("findings") as table:
        table.drop_column("cell")
