"""The calendar pages: the month of deadlines, and the iCalendar feed with its
address on the profile page."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from hgkiemtra.calendar import feeds
from hgkiemtra.calendar.month import build_month, parse_month
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.extensions import limiter
from hgkiemtra.web.forms import PostOnlyForm
from hgkiemtra.web.i18n import select_locale, translate
from hgkiemtra.web.login import current_actor

bp = Blueprint("calendar", __name__, template_folder=str(Path(__file__).parent / "templates"))

FEED_LIMIT = "120 per minute"  # calendar apps poll; guessing a token is hopeless anyway


@bp.get("/calendar")
@login_required
def month() -> str:
    today = local_today()
    first = parse_month(request.args.get("month"), today)
    mine = request.args.get("mine") == "1"
    grid = build_month(current_actor(), first, today, current_user.id if mine else None,
                       select_locale())
    return render_template("calendar/month.html", month=grid, mine=mine, today=today,
                           weekdays=_weekday_names(),
                           month_name=lambda day: format_date(day, "LLLL"))


def _weekday_names() -> list[tuple[str, str]]:
    """(short, full) names, Monday first."""
    return [
        (_("T2"), _("Thứ Hai")), (_("T3"), _("Thứ Ba")), (_("T4"), _("Thứ Tư")),
        (_("T5"), _("Thứ Năm")), (_("T6"), _("Thứ Sáu")), (_("T7"), _("Thứ Bảy")),
        (_("CN"), _("Chủ nhật")),
    ]


@bp.get("/calendar/<token>.ics")
@limiter.limit(FEED_LIMIT)
def feed(token: str) -> Response:
    user = feeds.user_for_token(token)
    scope = request.args.get("scope", "mine")
    if user is None or scope not in feeds.SCOPES:
        abort(404)
    host = urlsplit(current_app.config["SETTINGS"].BASE_URL).hostname or "hgkiemtra"
    case_url = url_for("cases.show", case_id=0, _external=True).removesuffix("0") + "{id}"
    with force_locale(user.locale):
        name = _("Thời hạn hồ sơ — %(name)s", name=user.full_name)
        body = feeds.feed(user, scope, name, case_url, host, utcnow(), local_today(),
                          _("quá hạn"), translate)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="hgkiemtra.ics"'
    return response


@bp.post("/calendar/feed")
@login_required
def regenerate_feed() -> BaseResponse:
    if PostOnlyForm().validate_on_submit():
        feeds.regenerate_token(current_user._get_current_object())
        db.session.commit()
        flash(_("Đã tạo địa chỉ lịch mới. Địa chỉ cũ (nếu có) không còn dùng được."), "success")
    return redirect(url_for("auth.profile", _anchor="calendar-feed"))


@bp.post("/calendar/feed/off")
@login_required
def disable_feed() -> BaseResponse:
    if PostOnlyForm().validate_on_submit():
        feeds.disable_feed(current_user._get_current_object())
        db.session.commit()
        flash(_("Đã tắt lịch iCalendar của bạn."), "success")
    return redirect(url_for("auth.profile", _anchor="calendar-feed"))


@bp.app_template_global()
def calendar_feed() -> dict[str, Any]:
    """What the profile page shows about the user's feed."""
    token = current_user.calendar_token if current_user.is_authenticated else None
    if not token:
        return {"urls": None, "form": PostOnlyForm()}
    mine = url_for("calendar.feed", token=token, _external=True)
    everything = url_for("calendar.feed", token=token, scope="all", _external=True)
    return {"urls": {"mine": mine, "all": everything}, "form": PostOnlyForm()}
