"""`juesuan serve`: the screening web service (nlp.serve), and its accounts.

    juesuan serve [--host 127.0.0.1] [--port 8000] [--data DIR] [--db URL] [--workers N]
                  [--profile NAME=MODEL_DIR[,SETTINGS_TOML]]...
    juesuan serve --create-admin NAME [--office NAME]       password: first line of stdin
    juesuan serve --create-user NAME --role reviewer|viewer|admin [--office NAME]
    juesuan serve --create-token NAME                       prints a new API token
"""
from __future__ import annotations

import os
import sys

from nlp.cli.options import (
    ERROR,
    add_budget_options,
    add_lang_option,
    add_model_options,
    fail,
    model_choice,
    settings_for,
)


def add_parser(commands) -> None:
    serve = commands.add_parser("serve", help="run the screening web service (upload, queue, review) on 127.0.0.1:8000")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--data", default="juesuan-data", metavar="DIR",
                       help="folder of the uploads and the SQLite database (default ./juesuan-data)")
    serve.add_argument("--db", metavar="URL",
                       help="database URL (default $JUESUAN_DB_URL, else sqlite:///DIR/juesuan.db); "
                            "PostgreSQL: postgresql+psycopg://user@host/db (pip install 'juesuan[postgres]')")
    serve.add_argument("--workers", type=int, default=2, help="analysis worker threads (default 2)")
    serve.add_argument("--dask", metavar="ADDRESS",
                       help="analyse on this Dask cluster (tcp://host:8786 or a scheduler file; pip install 'juesuan[dask]'): "
                            "--workers jobs at a time are sent to it")
    serve.add_argument("--max-upload-mb", type=int, default=50, metavar="MB", help="largest file accepted (default 50 MB)")
    add_lang_option(serve)
    add_budget_options(serve)
    add_model_options(serve)  # the profile "default"
    serve.add_argument("--profile", action="append", default=[], metavar="NAME=MODEL_DIR[,SETTINGS_TOML]",
                       help="an analysis profile a re-run (or an upload) may choose: a model directory (empty: the bundled "
                            "model; none: no model) and a settings file over the server's own; repeatable. "
                            "--model and the server's settings are the profile 'default'")
    accounts = serve.add_argument_group("accounts (then exit)")
    accounts.add_argument("--create-admin", metavar="NAME", help="create an admin; the password is read from stdin")
    accounts.add_argument("--create-user", metavar="NAME", help="create a user of --role; the password is read from stdin")
    accounts.add_argument("--role", choices=["admin", "reviewer", "viewer"], default="viewer", help="the new user's role")
    accounts.add_argument("--office", metavar="NAME", help="the new user's office (default 默认)")
    accounts.add_argument("--create-token", metavar="NAME", help="print a new API token for user NAME")
    serve.set_defaults(run=run)


def run(args) -> int:
    from nlp.config import SettingsError
    from nlp.errors import InputError
    from nlp.limits import budget_from
    from nlp.serve.app import MB, ServeConfig

    try:
        settings = settings_for(None, args)
        budget = budget_from(settings, args.timeout, args.max_memory)
    except (SettingsError, InputError) as e:
        return fail(e)
    if args.workers < 0 or args.max_upload_mb < 1:
        return fail(ValueError("--workers must be ≥ 0 and --max-upload-mb ≥ 1"))
    config = ServeConfig(data=args.data, db_url=args.db or os.environ.get("JUESUAN_DB_URL", ""), workers=args.workers,
                         lang=settings.lang or "zh", max_bytes=args.max_upload_mb * MB, budget=budget, settings=settings,
                         model=model_choice(args), dask=args.dask)
    if args.create_admin or args.create_user:
        name = args.create_admin or args.create_user
        return _create_user(config, name, "admin" if args.create_admin else args.role, args.office)
    if args.create_token:
        return _create_token(config, args.create_token)
    from nlp.serve.profiles import DEFAULT, Profile, check_model, parse_option, profile_table

    try:  # a model or settings file that cannot be loaded stops the server now, not every job later
        check_model(DEFAULT, config.model)
        config.profiles = [parse_option(text, settings) for text in args.profile]
        profile_table(Profile(DEFAULT), config.profiles)  # a name given twice
    except InputError as e:
        return fail(e)
    if config.dask:
        from nlp.serve.jobs import dask_client

        try:  # an unreachable scheduler stops the server now
            dask_client(config.dask).close()
        except InputError as e:
            return fail(e)
    return _serve(config, args.host, args.port)


def _serve(config, host: str, port: int) -> int:
    import uvicorn

    from nlp.serve.app import create_app

    app = create_app(config)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets)
            if self.started:
                line = f"juesuan 服务已启动：{url}" + (f"  (listening on {url})" if config.lang == "en" else "")
                print(line, flush=True)

    # X-Forwarded-Proto is trusted from 127.0.0.1 only (uvicorn's default): a local https proxy makes the cookie Secure.
    server = Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    server.run()
    return 0 if server.started else ERROR


def _password() -> str:
    if sys.stdin.isatty():
        import getpass

        first, second = getpass.getpass("密码 password: "), getpass.getpass("再输入一次 again: ")
        if first != second:
            raise ValueError("两次输入的密码不一致 the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _create_user(config, name: str, role: str, office: str | None) -> int:
    from nlp.serve.app import open_database
    from nlp.serve.auth import hash_password
    from nlp.serve.db import DEFAULT_OFFICE, User, office_named, record
    from nlp.serve.pages import user_problem

    try:
        password = _password()
    except ValueError as e:
        return fail(e)
    with open_database(config)() as db:
        problem = user_problem(db, name.strip(), password, role)
        if problem:
            return fail(ValueError(problem))
        office_id = office_named(db, office or DEFAULT_OFFICE).id
        db.add(User(name=name.strip(), password_hash=hash_password(password), role=role, office_id=office_id, active=True))
        record(db, "command line", "create_user", name.strip(), f"role {role}", office_id)
        db.commit()
    print(f"已创建用户 {name.strip()}（{role}，办公室 {office or DEFAULT_OFFICE}） created", file=sys.stderr)
    return 0


def _create_token(config, name: str) -> int:
    from sqlalchemy import select

    from nlp.serve.app import open_database
    from nlp.serve.auth import new_token
    from nlp.serve.db import User, record

    with open_database(config)() as db:
        user = db.scalars(select(User).where(User.name == name)).first()
        if user is None:
            return fail(ValueError(f"没有用户 {name} no such user"))
        token = new_token(db, user)
        record(db, "command line", "create_token", name, "", user.office_id)
        db.commit()
    print(token)
    return 0
