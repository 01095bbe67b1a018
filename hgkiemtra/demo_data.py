"""The data behind ``hgkiemtra demo``: places, names, posts, case scenarios.

Everything here is fictional except the place names: the city and district
Party committees of the former Hậu Giang province and some of their wards,
communes and towns. Member and user names are drawn at random from common
Vietnamese family, middle and given names.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

DEMO_PASSWORD = "demo-hgkiemtra-2026"
DEMO_MARKER_EMAIL = "admin@hgkiemtra.vn"
PROVINCE_FROM = date(2004, 1, 1)  # Hậu Giang split off Cần Thơ (NQ 22/2003/QH11)
SUCCESSOR_FROM = date(2025, 7, 1)  # the merged Cần Thơ city Party committee (domain.md 5-3)


@dataclass(frozen=True)
class Grassroots:
    code: str
    kind: str  # "phường", "xã", "thị trấn" or "cơ quan"
    place: str  # "I", "Hỏa Lựu"; for "cơ quan", the full name after "Đảng bộ"
    cells: tuple[str, ...]  # cell names without "Chi bộ"
    valid_from: date | None = None

    @property
    def name(self) -> str:
        return f"Đảng bộ {self.place}" if self.kind == "cơ quan" else f"Đảng bộ {self.unit}"

    @property
    def unit(self) -> str:
        """The local government unit, as it follows a post: 'xã Hỏa Lựu'."""
        return self.place if self.kind == "cơ quan" else f"{self.kind} {self.place}"


@dataclass(frozen=True)
class District:
    code: str
    kind: str  # "thành phố", "thị xã", "huyện"
    place: str
    grassroots: tuple[Grassroots, ...]
    valid_from: date = PROVINCE_FROM

    @property
    def name(self) -> str:
        return f"Đảng bộ {self.kind} {self.place}"

    @property
    def unit(self) -> str:
        return f"{self.kind} {self.place}"


def _gov(place: str, since: date | None = None) -> Grassroots:
    """A government-offices Party committee (Đảng bộ Cơ quan Chính quyền)."""
    offices = ("Phòng Tài nguyên và Môi trường", "Phòng Tài chính - Kế hoạch",
               "Văn phòng HĐND và UBND")
    return Grassroots("CQ", "cơ quan", f"Cơ quan Chính quyền {place}", offices, since)


DISTRICTS: tuple[District, ...] = (
    District("VT", "thành phố", "Vị Thanh", (
        Grassroots("P1", "phường", "I", ("Khu vực 1", "Khu vực 2", "Khu vực 3")),
        Grassroots("HL", "xã", "Hỏa Lựu", ("ấp Thạnh Hòa", "ấp Thạnh Thuận", "Công an xã")),
        _gov("thành phố Vị Thanh"),
    )),
    District("NB", "thành phố", "Ngã Bảy", (
        Grassroots("LH", "phường", "Lái Hiếu", ("Khu vực 1", "Khu vực 2", "Khu vực 4")),
        Grassroots("HT", "phường", "Hiệp Thành", ("Khu vực 3", "Khu vực 5")),
        Grassroots("TT", "xã", "Tân Thành", ("ấp Tân Long", "ấp Xẻo Vông", "Quân sự xã")),
    )),
    District("LMX", "thị xã", "Long Mỹ", (
        Grassroots("TA", "phường", "Thuận An", ("Khu vực 1", "Khu vực 2")),
        Grassroots("LP", "xã", "Long Phú", ("ấp 1", "ấp 3", "ấp 5")),
        Grassroots("TP", "xã", "Tân Phú", ("ấp 2", "ấp 6")),
    ), valid_from=date(2015, 4, 1)),  # split off huyện Long Mỹ in 2015 (date approximate)
    District("LMH", "huyện", "Long Mỹ", (
        Grassroots("VV", "thị trấn", "Vĩnh Viễn", ("ấp 1", "ấp 2", "ấp 3")),
        Grassroots("LT", "xã", "Lương Tâm", ("ấp 4", "ấp 7")),
        Grassroots("XP", "xã", "Xà Phiên", ("ấp 5", "ấp 8", "Công an xã")),
    )),
    District("CTH", "huyện", "Châu Thành", (
        Grassroots("NS", "thị trấn", "Ngã Sáu", ("ấp Long An", "ấp Long Lợi")),
        Grassroots("DT", "xã", "Đông Thạnh", ("ấp Phú Lợi", "ấp Phú Thạnh", "ấp Phú Xuân")),
        Grassroots("PH", "xã", "Phú Hữu", ("ấp Phú Lễ", "ấp Phú Khởi")),
    )),
    District("CTA", "huyện", "Châu Thành A", (
        Grassroots("MN", "thị trấn", "Một Ngàn", ("ấp 1A", "ấp 2A", "ấp 3A")),
        Grassroots("TH", "xã", "Tân Hòa", ("ấp 1B", "ấp 2B")),
        _gov("huyện Châu Thành A"),
    )),
    District("PHP", "huyện", "Phụng Hiệp", (
        Grassroots("CD", "thị trấn", "Cây Dương", ("ấp Mỹ Lợi", "ấp Mỹ Thuận")),
        Grassroots("TB", "xã", "Tân Bình", ("ấp Tân Lợi", "ấp Tân Hiệp", "Công an xã")),
        Grassroots("HA", "xã", "Hòa An", ("ấp Hòa Đức", "ấp Hòa Long")),
    )),
    District("VTY", "huyện", "Vị Thủy", (
        Grassroots("NM", "thị trấn", "Nàng Mau", ("ấp 1", "ấp 2", "ấp 3")),
        Grassroots("VTG", "xã", "Vị Thắng", ("ấp 4", "ấp 6")),
        _gov("huyện Vị Thủy", date(2010, 7, 1)),
    )),
)

# Chi bộ Công an xã: regular police posted to communes from 2019-2020.
POLICE_CELL_FROM = date(2020, 3, 1)

# --- people -----------------------------------------------------------------

FAMILY_NAMES = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 10), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 6),
    ("Phan", 4), ("Trương", 3), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 2), ("Hồ", 3),
    ("Ngô", 2), ("Dương", 2), ("Lý", 2), ("Châu", 2), ("Lâm", 2), ("Thái", 1), ("Tô", 1),
)
MIDDLE_MALE = (("Văn", 10), ("Minh", 4), ("Hoàng", 2), ("Quốc", 3), ("Thanh", 3),
               ("Hữu", 2), ("Công", 2), ("Tấn", 2), ("Chí", 1), ("Trung", 1), ("Văn Minh", 1))
MIDDLE_FEMALE = (("Thị", 10), ("Ngọc", 3), ("Thu", 2), ("Kim", 2), ("Thanh", 2),
                 ("Mỹ", 2), ("Bích", 1), ("Hồng", 1), ("Thị Ngọc", 2), ("Thị Kim", 1))
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hậu", "Hiếu", "Hùng", "Khanh",
              "Khoa", "Lộc", "Long", "Lực", "Nam", "Nghĩa", "Phúc", "Sang", "Sơn", "Tài",
              "Tâm", "Thắng", "Thành", "Toàn", "Trí", "Trung", "Tuấn", "Vinh", "Vũ", "Út")
GIVEN_FEMALE = ("Diễm", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai", "Ngân",
                "Nhung", "Oanh", "Phượng", "Thảo", "Trang", "Tuyết", "Vân", "Xuân", "Yến")

# Posts held in a ward, commune or town ("{unit}" is e.g. "xã Hỏa Lựu").
LOCAL_POSTS = (
    "Chủ tịch UBND {unit}", "Phó Chủ tịch UBND {unit}", "Chủ tịch HĐND {unit}",
    "Chủ tịch Ủy ban MTTQ Việt Nam {unit}", "Chủ tịch Hội Nông dân {unit}",
    "Chủ tịch Hội Liên hiệp Phụ nữ {unit}", "Bí thư Đoàn Thanh niên {unit}",
    "Công chức Địa chính - Xây dựng {unit}", "Công chức Tài chính - Kế toán {unit}",
    "Công chức Văn phòng - Thống kê {unit}",
)

# --- users --------------------------------------------------------------------

# email local part, full name, ((role, organisation code), ...)
DEMO_USERS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("admin", "Quản trị hệ thống", (("admin", "HG"), ("admin", "CT"))),
    ("chu.nhiem", "Nguyễn Văn Thành", (("chair", "HG"),)),
    ("uy.vien", "Lê Thị Hồng Nhung", (("member", "HG"),)),
    ("can.bo", "Phạm Quốc Bảo", (("inspector", "HG"),)),
    ("cap.uy", "Huỳnh Văn Lực", (("viewer", "HG"),)),
    ("chu.nhiem.vithanh", "Võ Thanh Tùng", (("chair", "HG.VT"),)),
    ("uy.vien.vithanh", "Đặng Thị Mỹ Linh", (("member", "HG.VT"),)),
    ("can.bo.vithanh", "Trương Minh Khoa", (("inspector", "HG.VT"),)),
    ("chu.nhiem.ngabay", "Dương Văn Hậu", (("chair", "HG.NB"),)),
    ("can.bo.ngabay", "Bùi Thị Kim Ngân", (("inspector", "HG.NB"),)),
)
DEMO_DOMAIN = "hgkiemtra.vn"

# --- cases --------------------------------------------------------------------

# What the inspection is about: follows the subject in the title.
CONTENTS = (
    "trong quản lý, sử dụng đất đai", "trong thực hiện quy chế dân chủ ở cơ sở",
    "về thu, chi tài chính và quản lý ngân sách", "trong công tác cán bộ",
    "trong quản lý đầu tư xây dựng công trình giao thông nông thôn",
    "trong thực hiện chính sách hỗ trợ hộ nghèo, hộ cận nghèo",
    "về phẩm chất đạo đức, lối sống", "trong quản lý, thu nộp đảng phí",
    "trong kê khai tài sản, thu nhập", "trong quản lý quỹ đất công ích",
    "trong bồi thường, hỗ trợ, giải phóng mặt bằng", "trong quản lý, sử dụng tài sản công",
    "trong thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "trong cấp giấy chứng nhận quyền sử dụng đất",
)
SOURCES = (
    "Qua nắm tình hình trên địa bàn, phát hiện dấu hiệu vi phạm.",
    "Qua giám sát chuyên đề, phát hiện dấu hiệu vi phạm.",
    "Từ đơn tố cáo có tên, địa chỉ rõ ràng, nội dung cụ thể.",
    "Từ phản ánh của cử tri tại kỳ họp HĐND và báo chí địa phương.",
    "Từ kết luận thanh tra của Thanh tra tỉnh chuyển đến.",
    "Theo chỉ đạo của Ban Thường vụ (thực hiện Chỉ thị 29-CT/TU).",
)
CONCLUSIONS = {
    "no_violation": "Nội dung phản ánh không có cơ sở; {subject} không vi phạm.",
    "shortcomings": "{subject} có khuyết điểm {content}; yêu cầu kiểm điểm, rút kinh nghiệm.",
    "violation_no_discipline": (
        "{subject} có vi phạm {content} nhưng chưa đến mức phải xem xét kỷ luật; "
        "yêu cầu kiểm điểm, khắc phục và báo cáo kết quả trong 30 ngày."
    ),
    "discipline_warranted": (
        "{subject} vi phạm {content}, vi phạm Quy định số 69-QĐ/TW đến mức phải "
        "xem xét, xử lý kỷ luật."
    ),
    "referred": (
        "Có dấu hiệu vi phạm pháp luật {content}; chuyển hồ sơ đến Cơ quan Cảnh sát "
        "điều tra Công an tỉnh xem xét theo thẩm quyền."
    ),
}
NOTES = {
    "launch": "Đã tổ chức hội nghị triển khai quyết định kiểm tra với đối tượng.",
    "receive_explanation": "Đối tượng đã nộp báo cáo giải trình kèm hồ sơ, tài liệu.",
    "send_back": "Chưa làm rõ nguồn gốc hồ sơ, chứng từ; đề nghị Đoàn thẩm tra, xác minh thêm.",
    "cancel": "Đối tượng đã chuyển sinh hoạt đảng ra ngoài tỉnh; chuyển thông tin để theo dõi.",
    "transfer": "Nội dung vượt thẩm quyền; chuyển cấp có thẩm quyền xem xét, giải quyết.",
    "no_discipline": "Không hình thức kỷ luật nào được quá một nửa số thành viên tán thành.",
}

# (path, working days since the last step, desk). Paths are below; desks:
# "HG" (the province UBKT), "VT" and "NB" (city UBKTs). A state with a
# deadline entered longer ago than the deadline's length is overdue on purpose.
SCENARIOS: tuple[tuple[str, int, str], ...] = (
    ("proposed", 2, "HG"), ("proposed", 6, "VT"), ("proposed", 1, "NB"),
    ("decided", 4, "HG"), ("decided", 14, "VT"), ("decided", 3, "NB"),
    ("launched", 2, "HG"), ("launched", 5, "VT"),
    ("subject_reporting", 18, "HG"), ("subject_reporting", 3, "VT"),
    ("subject_reporting", 6, "HG"), ("subject_reporting", 13, "NB"),
    ("verifying", 12, "HG"), ("verifying", 38, "VT"), ("verifying", 8, "NB"),
    ("sent_back", 4, "HG"),
    ("draft_report", 15, "HG"), ("draft_report", 5, "VT"), ("draft_report", 2, "NB"),
    ("committee_review", 3, "HG"), ("committee_review", 6, "VT"),
    ("concluded", 2, "HG"), ("concluded", 4, "VT"),
    ("discipline", 5, "HG"), ("discipline", 9, "NB"), ("subject_heard", 3, "HG"),
    ("combined_track", 4, "VT"),
    ("follow_up", 12, "HG"), ("follow_up", 7, "VT"),
    ("disciplined_follow_up", 10, "HG"), ("disciplined_follow_up", 16, "VT"),
    ("sent_back_concluded", 8, "HG"),
    ("closed_no_violation", 20, "HG"), ("closed_no_violation", 30, "VT"),
    ("closed_no_violation", 12, "NB"),
    ("closed_discipline", 15, "HG"), ("closed_discipline", 40, "HG"),
    ("closed_discipline", 25, "VT"), ("closed_combined", 22, "NB"),
    ("closed_proposed", 19, "HG"), ("closed_no_discipline", 26, "VT"),
    ("closed_follow_up", 18, "HG"), ("closed_follow_up", 35, "VT"),
    ("closed_referred", 28, "HG"),
    ("cancelled_early", 45, "VT"), ("cancelled", 20, "HG"),
    ("transferred", 33, "HG"), ("transferred", 17, "NB"),
)

# How a case gets to where the scenario leaves it: events in order; "conclude"
# carries its outcome after a colon.
_BASE = ("decide", "launch", "request_explanation", "receive_explanation",
         "draft_report", "submit_report")
_DISCIPLINED = (*_BASE, "conclude:discipline_warranted", "start_discipline", "hear_subject",
                "decide_discipline")
_COMBINED = (*_BASE[:4], "start_combined_track")
PATHS: dict[str, tuple[str, ...]] = {
    "proposed": (),
    "decided": _BASE[:1],
    "launched": _BASE[:2],
    "subject_reporting": _BASE[:3],
    "verifying": _BASE[:4],
    "draft_report": _BASE[:5],
    "committee_review": _BASE,
    "sent_back": (*_BASE, "send_back"),
    "sent_back_concluded": (*_BASE, "send_back", "draft_report", "submit_report",
                            "conclude:shortcomings", "start_follow_up"),
    "concluded": (*_BASE, "conclude:violation_no_discipline"),
    "discipline": _DISCIPLINED[:-2],
    "subject_heard": _DISCIPLINED[:-1],
    "combined_track": _COMBINED,
    "follow_up": (*_BASE, "conclude:shortcomings", "start_follow_up"),
    "disciplined_follow_up": _DISCIPLINED,
    "closed_no_violation": (*_BASE, "conclude:no_violation", "close_no_violation"),
    "closed_discipline": (*_DISCIPLINED, "close"),
    "closed_combined": (*_COMBINED, "hear_subject", "decide_discipline", "close"),
    "closed_proposed": (*_DISCIPLINED[:-1], "propose_discipline", "close"),
    "closed_no_discipline": (*_DISCIPLINED[:-1], "no_discipline", "close"),
    "closed_follow_up": (*_BASE, "conclude:violation_no_discipline", "start_follow_up", "close"),
    "closed_referred": (*_BASE, "conclude:referred", "start_follow_up", "close"),
    "cancelled_early": ("cancel",),
    "cancelled": (*_BASE[:3], "cancel"),
    "transferred": (*_BASE[:2], "transfer"),
}
# event -> who fires it, and how many working days after the previous step it comes
STEPS: dict[str, tuple[str, tuple[int, int]]] = {
    "decide": ("committee", (3, 8)), "launch": ("inspector", (3, 7)),
    "request_explanation": ("inspector", (1, 3)), "receive_explanation": ("inspector", (7, 12)),
    "draft_report": ("inspector", (12, 22)), "submit_report": ("inspector", (3, 7)),
    "send_back": ("committee", (3, 6)), "conclude": ("committee", (4, 10)),
    "close_no_violation": ("committee", (3, 8)), "start_discipline": ("committee", (2, 5)),
    "decide_discipline": ("chair", (8, 15)), "start_follow_up": ("committee", (2, 5)),
    "hear_subject": ("committee", (3, 8)), "start_combined_track": ("committee", (2, 5)),
    "propose_discipline": ("chair", (8, 15)), "no_discipline": ("chair", (8, 15)),
    "close": ("committee", (20, 40)), "cancel": ("chair", (3, 10)),
    "transfer": ("chair", (3, 10)),
}


# --- the member generator -------------------------------------------------------


@dataclass(frozen=True)
class MemberSeed:
    cell: int  # index into the cells given to member_seeds
    full_name: str
    probationary: bool
    birth_year: int
    joined_on: date
    positions: tuple[str, ...]


def member_seeds(
    rng: random.Random, cells: Sequence[tuple[District, Grassroots, str]], today: date
) -> list[MemberSeed]:
    """Three to five members per cell, with the posts a cell and a commune really have."""
    names: set[str] = set()
    seeds: list[MemberSeed] = []
    for index, (district, grassroots, label) in enumerate(cells):
        for rank in range(rng.randint(3, 5)):
            probationary = rank >= 2 and rng.random() < 0.12
            posts = _cell_posts(rng, rank, district, grassroots, label)
            seeds.append(_seed(rng, names, index, probationary, () if probationary else posts,
                               today))
    _spread_local_posts(rng, seeds, cells)
    return seeds


def _seed(rng: random.Random, names: set[str], cell: int, probationary: bool,
          posts: tuple[str, ...], today: date) -> MemberSeed:
    name = _unique_name(rng, names)
    if probationary:
        born = rng.randint(1994, 2003)
        joined = today - timedelta(days=rng.randint(20, 340))
    else:
        born = rng.randint(1962, 1996)
        joined = date(rng.randint(born + 20, min(born + 40, today.year - 2)),
                      rng.randint(1, 12), rng.randint(1, 28))
    return MemberSeed(cell, name, probationary, born, joined, posts)


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        male = rng.random() < 0.6
        middle = _weighted(rng, MIDDLE_MALE if male else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        name = f"{_weighted(rng, FAMILY_NAMES)} {middle} {given}"
        if name not in taken:
            taken.add(name)
            return name


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _cell_posts(rng: random.Random, rank: int, district: District, grassroots: Grassroots,
                label: str) -> tuple[str, ...]:
    if grassroots.kind == "cơ quan":
        where, unit = f"{label} {district.unit}", district.unit
    else:
        unit = grassroots.unit  # "Công an xã" + "xã Hỏa Lựu" -> "Công an xã Hỏa Lựu"
        where = f"{label.removesuffix(' xã')} {unit}"
    # "Trưởng phòng ...", "Trưởng khu vực ..." but "Trưởng Công an xã ..."
    headed = where[0].lower() + where[1:] if label.startswith(("Phòng", "Khu vực")) else where
    if rank == 0:
        return (f"Bí thư Chi bộ {where}",)
    if rank == 1 and label.startswith("Văn phòng"):
        return (f"Chánh {where}",)
    if rank == 1 and (grassroots.kind == "cơ quan" or rng.random() < 0.7):
        if label.startswith("Quân sự"):
            return (f"Chỉ huy trưởng Ban Chỉ huy Quân sự {unit}",)
        return (f"Trưởng {headed}",)
    if rank == 2 and rng.random() < 0.4:
        return (f"Phó Bí thư Chi bộ {where}",)
    return ()


def _spread_local_posts(rng: random.Random, seeds: list[MemberSeed],
                        cells: Sequence[tuple[District, Grassroots, str]]) -> None:
    """Give each ward, commune or town its secretary and its local posts, once each."""
    by_grassroots: dict[int, list[int]] = {}
    for position, seed in enumerate(seeds):
        if not seed.probationary:
            by_grassroots.setdefault(id(cells[seed.cell][1]), []).append(position)
    for positions in by_grassroots.values():
        grassroots = cells[seeds[positions[0]].cell][1]
        posts = [f"Bí thư Đảng ủy {grassroots.unit}"]
        if grassroots.kind != "cơ quan":
            posts += rng.sample(LOCAL_POSTS, k=min(len(LOCAL_POSTS), len(positions) // 2))
        for post, position in zip(posts, rng.sample(positions, k=len(posts)), strict=False):
            seed = seeds[position]
            seeds[position] = replace(
                seed, positions=(*seed.positions, post.format(unit=grassroots.unit))
            )
