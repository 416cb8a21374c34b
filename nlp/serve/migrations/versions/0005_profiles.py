"""Each report records the analysis profile it is analysed with (nlp.serve.profiles).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports") as table:  # a report analysed before profiles: the server's own, "default"
        table.add_column(sa.Column("profile", sa.String(60), nullable=False, server_default="default"))


def downgrade():
    with op.batch_alter_table("reports") as table:
        table.drop_column("profile")
