"""`juesuan serve`: one office's screening service over the same analysis.

Upload reports (many at once, or a zip as a folder), each a job in a queue
run by worker threads in the sandbox (nlp.limits); the list, one report's
page with its findings to confirm or dismiss and its cause labels to
correct, the corpus charts, exports, users with roles in offices, an audit
table, and the same data as JSON under /api.

    from nlp.serve.app import ServeConfig, create_app
    app = create_app(ServeConfig(data="juesuan-data"))     # an ASGI app (FastAPI)

The parts: .db (tables, migrations in .migrations), .auth (passwords,
sessions, CSRF, tokens), .jobs (the queue), .reports (what pages and API
share), .labels (cause-label corrections), .pages (+ templates/), .api,
.export. The command is nlp.cli.serve.
"""
