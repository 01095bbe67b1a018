"""The iCalendar writer: escaping, folding at 75 octets, and a round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hgkiemtra.calendar.ics import AllDayEvent, calendar, escape_text, fold


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_without_splitting_a_character():
    line = "SUMMARY:" + "Đảng ủy xã Hỏa Lựu — thời hạn thẩm tra, xác minh " * 5
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_a_calendar_parses_back():
    events = [AllDayEvent("deadline-1@x", date(2026, 12, 31),
                          "KT.2026.00001: Nộp báo cáo; gấp, ngay",
                          "Mốc: 2026-12-01\nHạn: 2026-12-31", "http://x/cases/1",
                          ("KT.2026.00001",))]
    text = calendar("Lịch của tôi", events, datetime(2026, 11, 28, 1, 2, 3, tzinfo=UTC))
    assert text.endswith("\r\n")
    lines = unfold(text)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    props = dict(line.split(":", 1) for line in lines)
    assert props["VERSION"] == "2.0"
    assert props["DTSTART;VALUE=DATE"] == "20261231"
    assert props["DTEND;VALUE=DATE"] == "20270101"
    assert props["DTSTAMP"] == "20261128T010203Z"
    assert props["UID"] == "deadline-1@x"
    assert unescape(props["SUMMARY"]) == "KT.2026.00001: Nộp báo cáo; gấp, ngay"
    assert unescape(props["DESCRIPTION"]) == "Mốc: 2026-12-01\nHạn: 2026-12-31"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
