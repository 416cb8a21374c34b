"""Who is asking: passwords, sessions, CSRF tokens, API tokens, roles.

* Passwords: argon2id (argon2-cffi's defaults), never stored or logged.
* Sessions: a random 256-bit id in an HttpOnly, SameSite=Lax cookie (Secure
  when the request came over https); the database keeps only its SHA-256.
  Each session has its own CSRF token: a form carries it in `csrf_token`,
  a script using the cookie in the `X-CSRF-Token` header.
* The login form, before any session, is protected by a double-submit
  cookie (`juesuan_login`: the form's token must equal the cookie's).
* API tokens: random, shown once (`juesuan serve --create-token`), kept as
  SHA-256; a request with `Authorization: Bearer` needs no CSRF token (a
  browser never adds that header by itself).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from nlp.serve.db import ApiToken, User, WebSession, now

COOKIE = "juesuan_session"
LOGIN_COOKIE = "juesuan_login"
SESSION_DAYS = 7
RANK = {"viewer": 0, "reviewer": 1, "admin": 2}
ROLES_ZH = {"admin": "管理员", "reviewer": "审核员", "viewer": "查看者"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

_hasher = PasswordHasher()
# Verified against when a user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_ok(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None and user.active
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


@dataclass
class Caller:
    """The user behind a request, and how they proved it."""

    user: User
    csrf_token: str | None  # None: an API token (no CSRF needed)

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def office_id(self) -> int:
        return self.user.office_id

    def may(self, role: str) -> bool:
        return RANK[self.user.role] >= RANK[role]


def open_session(db, user: User) -> tuple[str, str]:
    """A new session for `user`: (cookie value, CSRF token)."""
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.query(WebSession).filter(WebSession.expires_at < now()).delete()  # the expired ones go as new ones come
    db.add(WebSession(digest=digest(secret), csrf_token=csrf, user_id=user.id,
                      expires_at=now() + dt.timedelta(days=SESSION_DAYS)))
    return secret, csrf


def close_session(db, secret: str | None) -> None:
    if secret:
        db.query(WebSession).filter_by(digest=digest(secret)).delete()


def new_token(db, user: User) -> str:
    token = "jst_" + secrets.token_urlsafe(32)
    db.add(ApiToken(digest=digest(token), user_id=user.id))
    return token


def caller_of(db, cookie: str | None, authorization: str | None) -> Caller | None:
    """The caller a request's bearer token or session cookie names, or None."""
    if authorization and authorization.lower().startswith("bearer "):
        token = db.query(ApiToken).filter_by(digest=digest(authorization[7:].strip())).one_or_none()
        if token and token.user.active:
            return Caller(token.user, None)
        return None
    if cookie:
        session = db.query(WebSession).filter_by(digest=digest(cookie)).one_or_none()
        if session and session.expires_at > now() and session.user.active:
            return Caller(session.user, session.csrf_token)
    return None


def csrf_ok(caller: Caller, given: str | None) -> bool:
    return caller.csrf_token is None or same(caller.csrf_token, given)


def set_cookie(response, request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
