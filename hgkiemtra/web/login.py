"""Who is signed in: Flask-Login wiring and the per-request ``Actor``.

The login id kept in the session is '<user id>.<session_version>'. Raising
``User.session_version`` (sign-out, password change) therefore ends every
session that was signed with the old value, on every device.
"""

from __future__ import annotations

from flask import Flask, g, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user
from sqlalchemy.orm import joinedload

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db
from hgkiemtra.people.models import User


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Hãy đăng nhập để tiếp tục.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(load_user)


def load_user(login_id: str) -> User | None:
    user_id, _, version = login_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()) or len(login_id) > 24:
        return None
    # The roles in the same statement (a join, not a second SELECT): every page needs them.
    user = db.session.get(User, int(user_id), options=[joinedload(User.roles)])
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser (a fresh session, expiring when idle)."""
    clear_session()
    session.permanent = True
    login_user(user)


def clear_session() -> None:
    """Forget everything this browser's session holds but the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def end_other_sessions(user: User) -> None:
    """Every session of ``user`` but this one stops working (flush; caller commits)."""
    user.session_version += 1
    db.session.flush()
    login_user(user)


def end_all_sessions(user: User) -> None:
    user.session_version += 1
    db.session.flush()


def current_actor() -> Actor:
    """The signed-in user as the services see them, built once per request."""
    if "actor" not in g:
        g.actor = Actor.for_user(current_user._get_current_object())
    actor: Actor = g.actor
    return actor
