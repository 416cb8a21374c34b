"""Alembic's environment for juesuan serve: run programmatically by
nlp.serve.db.migrate, which hands over an open connection."""
from alembic import context

from nlp.serve.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
