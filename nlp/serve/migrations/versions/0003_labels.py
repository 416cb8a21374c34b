"""Cause labels corrected by reviewers (for label-export and retraining).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
        sa.Column("explanation", sa.String(40), nullable=False),
        sa.Column("cause", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("item", sa.Text),
        sa.Column("section", sa.Text),
        sa.Column("label", sa.String(60), nullable=False),
        sa.Column("vague", sa.Boolean),
        sa.Column("by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("report_id", "explanation", "cause", name="uq_labels_cause"),
    )


def downgrade():
    op.drop_table("labels")
