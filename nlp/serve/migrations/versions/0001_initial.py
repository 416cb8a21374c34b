"""The first schema: offices, users, sessions, tokens, reports, results, findings, audit.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id():
    return sa.Column("id", sa.Integer, primary_key=True)


def upgrade():
    op.create_table("offices", _id(), sa.Column("name", sa.String(200), nullable=False, unique=True))
    op.create_table(
        "users", _id(),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    for table in ("web_sessions", "api_tokens"):
        extra = ([sa.Column("csrf_token", sa.String(64), nullable=False), sa.Column("expires_at", sa.DateTime, nullable=False)]
                 if table == "web_sessions" else [])
        op.create_table(
            table, _id(),
            sa.Column("digest", sa.String(64), nullable=False, unique=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            *extra,
        )
    op.create_table(
        "reports", _id(),
        sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False, index=True),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("path", sa.String(600), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("status_reason", sa.String(500)),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("runs", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(200)),
        sa.Column("year", sa.Integer),
        sa.Column("score", sa.Float),
        sa.UniqueConstraint("office_id", "sha256", name="uq_reports_office_sha256"),
    )
    op.create_table(
        "results", _id(),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, unique=True),
        sa.Column("report_json", sa.JSON, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("capacity", sa.Float, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "findings", _id(),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("penalty", sa.Float, nullable=False),
        sa.Column("decision", sa.String(10)),
        sa.Column("comment", sa.Text),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("reviewed_at", sa.DateTime),
    )
    op.create_table(
        "audit", _id(),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id")),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade():
    for table in ("audit", "findings", "results", "reports", "api_tokens", "web_sessions", "users", "offices"):
        op.drop_table(table)
