"""The risk ranking in words: one sentence per signal, in the UI's language.

Shared by the page and the API, so both explain a score the same way.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from hgkiemtra.reports.risk import WEIGHT_LABELS, Signal
from hgkiemtra.web.i18n import show_date

SIGNAL_LABELS = {
    "violations": _l("Vi phạm đã kết luận"),
    "denunciations": _l("Đơn tố cáo"),
    "overdue_actions": _l("Việc thực hiện kết luận quá hạn"),
    "since_inspection": _l("Thời gian từ lần kiểm tra gần nhất"),
}
LEVEL_LABELS = {
    "province": _l("Cấp tỉnh"),
    "district": _l("Cấp huyện"),
    "grassroots": _l("Cơ sở"),
    "cell": _l("Chi bộ"),
}


def weight_label(name: str) -> str:
    return _(WEIGHT_LABELS[name][0])


def explain(signal: Signal) -> str:
    """E.g. '3 vụ vi phạm trong 3 năm: +30 điểm'."""
    return {
        "violations": _violations,
        "denunciations": _denunciations,
        "overdue_actions": _overdue,
        "since_inspection": _since_inspection,
    }[signal.key](signal)


def _violations(s: Signal) -> str:
    n, d = s.raw or 0, s.detail
    if d["recent"]:
        return ngettext(
            "%(num)d vụ vi phạm trong %(years)d năm, trong đó %(recent)d vụ trong 12 tháng qua: "
            "+%(points)d điểm",
            "%(num)d vụ vi phạm trong %(years)d năm, trong đó %(recent)d vụ trong 12 tháng qua: "
            "+%(points)d điểm", n, years=d["years"], recent=d["recent"], points=s.points)
    return ngettext("%(num)d vụ vi phạm trong %(years)d năm: +%(points)d điểm",
                    "%(num)d vụ vi phạm trong %(years)d năm: +%(points)d điểm", n,
                    years=d["years"], points=s.points)


def _denunciations(s: Signal) -> str:
    return ngettext("%(num)d đơn tố cáo được xem xét trong %(years)d năm: +%(points)d điểm",
                    "%(num)d đơn tố cáo được xem xét trong %(years)d năm: +%(points)d điểm",
                    s.raw or 0, years=s.detail["years"], points=s.points)


def _overdue(s: Signal) -> str:
    return ngettext("%(num)d việc thực hiện kết luận đã quá hạn: +%(points)d điểm",
                    "%(num)d việc thực hiện kết luận đã quá hạn: +%(points)d điểm",
                    s.raw or 0, points=s.points)


def _since_inspection(s: Signal) -> str:
    d = s.detail
    if d["last"] is None:
        return _("Chưa được kiểm tra lần nào (tính tối đa %(cap)d năm): +%(points)d điểm",
                 cap=d["cap"], points=s.points)
    if (s.raw or 0) > d["cap"]:
        return _("Kiểm tra gần nhất ngày %(day)s, %(years)d năm trước (tính tối đa %(cap)d năm): "
                 "+%(points)d điểm", day=show_date(d["last"]), years=s.raw, cap=d["cap"],
                 points=s.points)
    return ngettext("Kiểm tra gần nhất ngày %(day)s, %(num)d năm tròn trước: +%(points)d điểm",
                    "Kiểm tra gần nhất ngày %(day)s, %(num)d năm tròn trước: +%(points)d điểm",
                    s.raw or 0, day=show_date(d["last"]), points=s.points)
