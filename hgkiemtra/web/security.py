"""Security headers on every response.

The Content-Security-Policy allows scripts and styles from our own origin
only: no inline <script>, no style="" and no <style> anywhere in the
templates (a test walks them). Pages are never framed, never cached (they
show confidential case files) and send no Referer to other sites.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# A downloaded document must never run as a page of ours.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if is_https():
        headers["Strict-Transport-Security"] = HSTS
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    return response


def is_https() -> bool:
    return request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE"))
