"""Bearer-token authentication for the API: every route but the OpenAPI document."""

from __future__ import annotations

from flask import g, request

from hgkiemtra.api import bp
from hgkiemtra.api.errors import Unauthorized
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.auth.tokens import user_for_token
from hgkiemtra.people.models import User

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


@bp.before_request
def authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return  # OPTIONS only lists the allowed methods
    user = _user_from_header()
    g.api_user = user
    g.api_actor = Actor.for_user(user)


def _user_from_header() -> User:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Thiếu mã truy cập: gửi kèm 'Authorization: Bearer <token>'")
    user = user_for_token(token)
    if user is None:
        raise Unauthorized("Mã truy cập không hợp lệ, đã bị thu hồi hoặc tài khoản đã bị khóa")
    return user


def current_actor() -> Actor:
    actor: Actor = g.api_actor
    return actor


def current_user() -> User:
    user: User = g.api_user
    return user
