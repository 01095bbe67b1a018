"""Table-driven tests of the discipline rules (domain.md §3, §2.8, §4, rows 2-x … 6-x)."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows import discipline as d
from workflows import guards
from workflows.calendar import Unit

MEMBER_BALLOT = ("expulsion", "removal", "warning", "reprimand", "none")

# --------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("kind", "holds_post", "forms"),
    [
        ("member", None, ("expulsion", "removal", "warning", "reprimand")),
        ("member", True, ("expulsion", "removal", "warning", "reprimand")),
        ("member", False, ("expulsion", "warning", "reprimand")),
        ("probationary_member", None, ("warning", "reprimand")),
        ("probationary_member", False, ("warning", "reprimand")),
        ("organisation", None, ("dissolution", "warning", "reprimand")),
    ],
)
def test_forms_for_heaviest_first(kind, holds_post, forms):
    assert d.forms_for(kind, holds_post=holds_post) == forms


@pytest.mark.parametrize("kind", ["party", "", "Member", "probationary"])
def test_forms_for_unknown_kind(kind):
    with pytest.raises(ValueError, match="unknown subject kind"):
        d.forms_for(kind)


@pytest.mark.parametrize(
    ("kind", "form", "message"),
    [
        ("member", "dissolution", "does not apply"),
        ("probationary_member", "removal", "does not apply"),
        ("probationary_member", "expulsion", "does not apply"),
        ("organisation", "expulsion", "does not apply"),
        ("member", "criticism", "unknown discipline form"),
    ],
)
def test_check_form_for_rejects(kind, form, message):
    with pytest.raises(ValueError, match=message):
        d.check_form_for(kind, form)


def test_labels_have_one_home():
    assert guards.FORM_LABELS_VI is d.FORM_LABELS_VI
    assert set(d.FORM_LABELS_VI) == set(d.SEVERITY_ORDER)
    assert list(d.FORM_LABELS_VI)[:2] == ["reprimand", "warning"]  # decision form: lightest first


@pytest.mark.parametrize(
    ("subject_type", "facts", "forms"),
    [
        ("member", {}, ("reprimand", "warning", "expulsion")),
        ("member", {"positions": ["Bí thư chi bộ"]}, ("reprimand", "warning", "removal",
                                                       "expulsion")),
        ("member", {"status": "probationary", "positions": ["x"]}, ("reprimand", "warning")),
        ("organisation", None, ("reprimand", "warning", "dissolution")),
    ],
)
def test_guards_forms_for_unchanged(subject_type, facts, forms):
    assert guards.forms_for(subject_type, facts) == forms


# --------------------------------------------------------------------------- voting


@pytest.mark.parametrize(
    ("ballots", "members", "adopted"),
    [
        ({"reprimand": 5}, 9, "reprimand"),
        ({"reprimand": 5}, 10, None),  # exactly half is not a majority
        ({"reprimand": 6, "none": 4}, 10, "reprimand"),
        ({"warning": 5, "reprimand": 5}, 10, "reprimand"),  # cumulative reaches 10
        ({"removal": 3, "warning": 3, "reprimand": 2, "none": 2}, 10, "warning"),
        ({"expulsion": 2, "removal": 1, "warning": 1, "reprimand": 1, "none": 4}, 9, "reprimand"),
        ({"expulsion": 1, "reprimand": 3, "none": 5}, 9, None),
        ({"reprimand": 2, "expulsion": 3, "warning": 1}, 11, "reprimand"),  # key order irrelevant
        ({"warning": 2, "reprimand": 6, "expulsion": 3}, 11, "reprimand"),  # alone, and cumulative
        ({"expulsion": 6}, 9, "expulsion"),  # 6 of 9 is two thirds
        ({"expulsion": 5, "none": 4}, 9, None),  # 5 of 9 is short of 2/3
        ({"expulsion": 5, "removal": 2}, 9, "removal"),  # expulsion votes carry down
        ({"expulsion": 5, "removal": 0, "warning": 4}, 9, "removal"),
        ({"expulsion": 5, "warning": 2, "reprimand": 2}, 9, "warning"),
        ({"expulsion": 2}, 3, "expulsion"),
        ({"expulsion": 8}, 12, "expulsion"),
        ({"expulsion": 7, "removal": 0}, 12, "removal"),
        ({"dissolution": 6}, 9, "dissolution"),
        ({"dissolution": 5, "warning": 1}, 9, "warning"),  # dissolution: 2/3 default
        ({"warning": 1, "reprimand": 1}, 2, "reprimand"),
        ({"reprimand": 1}, 1, "reprimand"),
        ({"no_discipline": 7}, 7, None),
        ({}, 5, None),
    ],
)
def test_tally(ballots, members, adopted):
    assert d.tally(ballots, members) == adopted


@pytest.mark.parametrize(
    ("ballots", "members", "adopted"),
    [
        ({"expulsion": 5, "none": 4}, 9, "expulsion"),  # the higher body: more than half
        ({"expulsion": 5, "none": 5}, 10, None),
        ({"expulsion": 4, "warning": 2}, 9, "warning"),
    ],
)
def test_tally_by_the_higher_body_approving_expulsion(ballots, members, adopted):
    assert d.tally(ballots, members, approving_expulsion=True) == adopted


def test_count_votes_explains_itself():
    result = d.count_votes({"expulsion": 5, "warning": 4}, 9)
    assert result.adopted == "warning"
    assert result.running_totals == (("expulsion", 5), ("warning", 9))
    assert result.by_single_form is False
    assert result.expulsion_short is True  # the cell still forwards the file
    assert d.count_votes({"expulsion": 6}, 9).expulsion_short is False
    assert d.count_votes({"warning": 6}, 9).by_single_form is True


@pytest.mark.parametrize(
    ("ballots", "members", "message"),
    [
        ({"reprimand": 1}, 0, "members"),
        ({"reprimand": 1}, -3, "members"),
        ({"reprimand": 1}, True, "members"),
        ({"reprimand": 1}, 2.0, "members"),
        ({"reprimand": -1}, 5, "non-negative"),
        ({"reprimand": 1.5}, 5, "non-negative"),
        ({"reprimand": True}, 5, "non-negative"),
        ({"reprimand": 4, "warning": 2}, 5, "only 5 members"),
        ({"reprimand": 3, "none": 3}, 5, "only 5 members"),
        ({"criticism": 1}, 5, "unknown discipline form"),
        ({"dissolution": 1, "expulsion": 1}, 5, "cannot mix"),
        ([("reprimand", 1)], 5, "map each form"),
    ],
)
def test_tally_rejects_bad_input(ballots, members, message):
    with pytest.raises(ValueError, match=message):
        d.tally(ballots, members)


@pytest.mark.parametrize(
    ("cell_votes", "cell_members", "higher_votes", "higher_members", "approved"),
    [
        (6, 9, 5, 9, True),
        (5, 9, 9, 9, False),  # the cell is short of 2/3
        (6, 9, 4, 9, False),
        (6, 9, 5, 10, False),  # exactly half of the higher body
        (2, 3, 1, 1, True),
        (10, 15, 3, 5, True),
        (9, 15, 5, 5, False),
    ],
)
def test_expulsion_approved(cell_votes, cell_members, higher_votes, higher_members, approved):
    assert d.expulsion_approved(cell_votes, cell_members, higher_votes, higher_members) is approved


@pytest.mark.parametrize("args", [(7, 6, 3, 5), (3, 6, -1, 5), (3, 0, 1, 5), (3, 6, 1, 0)])
def test_expulsion_approved_rejects_bad_counts(args):
    with pytest.raises(ValueError):
        d.expulsion_approved(*args)


@pytest.mark.parametrize(
    ("official", "transferred", "excused_absent", "base"),
    [(20, 2, 1, 17), (20, 0, 0, 20), (3, 3, 0, 0), (9, 0, 2, 7)],
)
def test_vote_base(official, transferred, excused_absent, base):
    assert d.vote_base(official, transferred, excused_absent) == base
    assert d.VOTE_BASE_RULE.is_confirmed is False and "9.3.2" in d.VOTE_BASE_RULE.citation


@pytest.mark.parametrize("args", [(2, 2, 1), (-1, 0, 0), (5, 1.0, 0), (5, 0, None)])
def test_vote_base_rejects(args):
    with pytest.raises(ValueError):
        d.vote_base(*args)


@pytest.mark.parametrize(
    ("threshold", "members", "minimum"),
    [
        (d.MORE_THAN_HALF, 9, 5), (d.MORE_THAN_HALF, 10, 6), (d.MORE_THAN_HALF, 1, 1),
        (d.TWO_THIRDS, 9, 6), (d.TWO_THIRDS, 10, 7), (d.TWO_THIRDS, 3, 2), (d.TWO_THIRDS, 1, 1),
    ],
)
def test_threshold_minimum_votes(threshold, members, minimum):
    assert threshold.minimum_votes(members) == minimum
    assert threshold.reached(minimum, members) and not threshold.reached(minimum - 1, members)


@st.composite
def member_ballots(draw):
    members = draw(st.integers(min_value=1, max_value=60))
    left, ballots = members, {}
    for form in MEMBER_BALLOT:
        votes = draw(st.integers(min_value=0, max_value=left))
        if votes or draw(st.booleans()):
            ballots[form] = votes
        left -= votes
    return ballots, members


def _running(ballots):
    total, out = 0, {}
    for form in d.SEVERITY_ORDER:
        if form in ballots:
            total += ballots[form]
            out[form] = total
    return out


@given(member_ballots())
def test_adopted_form_has_a_cumulative_majority_and_is_the_first(case):
    ballots, members = case
    adopted = d.tally(ballots, members)
    running = _running(ballots)
    if adopted is None:
        assert all(2 * t <= members or (f == "expulsion" and 3 * t < 2 * members)
                   for f, t in running.items())
        return
    assert 2 * running[adopted] > members
    heavier = d.SEVERITY_ORDER[: d.SEVERITY_ORDER.index(adopted)]
    for form in heavier:
        if form in running:
            assert 2 * running[form] <= members or (form == "expulsion"
                                                    and 3 * running[form] < 2 * members)


@given(member_ballots(), st.integers(min_value=1, max_value=10))
def test_more_votes_for_the_adopted_form_keep_it(case, extra):
    ballots, members = case
    adopted = d.tally(ballots, members)
    if adopted is None:
        return
    more = dict(ballots)
    more[adopted] += extra
    assert d.tally(more, members + extra) == adopted  # new voters all chose the adopted form
    if "none" in ballots and ballots["none"] >= extra:  # voters switching from "none"
        more = dict(ballots, none=ballots["none"] - extra)
        more[adopted] += extra
        assert d.tally(more, members) == adopted


@given(member_ballots())
def test_single_form_step_agrees_with_pure_cumulative_count(case):
    ballots, members = case
    expected = None
    for form, total in _running(ballots).items():
        need_two_thirds = form == "expulsion"
        if (3 * total >= 2 * members) if need_two_thirds else (2 * total > members):
            expected = form
            break
    assert d.tally(ballots, members) == expected


# --------------------------------------------------------------------------- authority

S = d.Subject
ORDINARY = S("member")
PROBATIONARY = S("probationary_member")
ASSIGNED = S("member", violation_domain="assigned_task")
CELL_COMMITTEE_MEMBER = S("member", is_committee_member_at="cell", holds_post=True)
GRASSROOTS_COMMITTEE_MEMBER = S("member", is_committee_member_at="grassroots", holds_post=True)
DISTRICT_COMMITTEE_MEMBER = S("member", is_committee_member_at="district", holds_post=True)
PROVINCE_COMMITTEE_MEMBER = S("member", is_committee_member_at="province", holds_post=True)
DISTRICT_MANAGED = S("member", managed_by_level="district", holds_post=True)
PROVINCE_MANAGED = S("member", managed_by_level="province", holds_post=True)
CELL_ORG = S("organisation", level="cell")
COMMUNE_2025 = S("organisation", level="grassroots", superior_level="province")


@pytest.mark.parametrize(
    ("level", "kind", "subject", "form", "ok", "in_reason"),
    [
        # cell_members
        ("cell", "cell", ORDINARY, "reprimand", True, "Chi bộ có thẩm quyền"),
        ("cell", "cell", PROBATIONARY, "warning", True, "QĐ 296 điều 10.1.1"),
        ("cell", "cell", PROVINCE_COMMITTEE_MEMBER, "warning", True, "Chi bộ"),
        ("cell", "cell", PROVINCE_MANAGED, "reprimand", True, "Chi bộ"),
        ("cell", "cell", CELL_COMMITTEE_MEMBER, "warning", True, "Chi bộ"),
        # cell_assigned_task: the cell only proposes
        ("cell", "cell", ASSIGNED, "reprimand", False, "đề nghị Đảng ủy cơ sở"),
        # beyond the cell
        ("cell", "cell", CELL_COMMITTEE_MEMBER, "removal", False, "đề nghị Đảng ủy cơ sở"),
        ("cell", "cell", ORDINARY, "expulsion", False,
         "Đảng ủy cơ sở (nếu được ủy quyền kết nạp đảng viên) hoặc Cấp ủy cấp huyện"),
        # cell_committee_none
        ("cell", "cell_committee", ORDINARY, "reprimand", False, "Chi ủy không có thẩm quyền"),
        ("cell", "cell_committee", ORDINARY, "warning", False, "đề nghị Chi bộ"),
        # grassroots_reprimand_warning
        ("grassroots", "committee", ORDINARY, "warning", True, "Đảng ủy cơ sở có thẩm quyền"),
        ("grassroots", "committee", ASSIGNED, "reprimand", True, "Đảng ủy cơ sở"),
        ("grassroots", "committee", GRASSROOTS_COMMITTEE_MEMBER, "reprimand", True, "Đảng ủy"),
        # grassroots_removal
        ("grassroots", "committee", CELL_COMMITTEE_MEMBER, "removal", True, "cấp dưới"),
        ("grassroots", "committee", ORDINARY, "removal", False, "vượt thẩm quyền"),
        ("grassroots", "committee", GRASSROOTS_COMMITTEE_MEMBER, "removal", False,
         "đề nghị Cấp ủy cấp huyện"),
        # grassroots_expulsion without admission authority
        ("grassroots", "committee", ORDINARY, "expulsion", False, "ủy quyền kết nạp"),
        ("grassroots", "committee", GRASSROOTS_COMMITTEE_MEMBER, "expulsion", False,
         "cấp ủy viên cùng cấp"),
        # upper_all_forms
        ("district", "committee", ORDINARY, "expulsion", True, "Cấp ủy cấp huyện"),
        ("district", "committee", PROBATIONARY, "warning", True, "Cấp ủy cấp huyện"),
        ("province", "committee", GRASSROOTS_COMMITTEE_MEMBER, "removal", True, "cấp tỉnh"),
        ("district", "committee", DISTRICT_COMMITTEE_MEMBER, "expulsion", False,
         "đề nghị Cấp ủy cấp tỉnh"),
        # upper_committee_members_quality
        ("district", "committee", DISTRICT_COMMITTEE_MEMBER, "warning", True, "phẩm chất"),
        ("district", "committee", PROVINCE_MANAGED, "reprimand", True, "phẩm chất"),
        ("province", "committee", S("member", is_committee_member_at="central"), "warning", True,
         "phẩm chất"),
        ("district", "committee", replace(DISTRICT_COMMITTEE_MEMBER,
                                          violation_domain="assigned_task"), "warning", False,
         "đề nghị Cấp ủy cấp tỉnh"),
        ("district", "committee", PROVINCE_MANAGED, "removal", False, "vượt thẩm quyền"),
        ("district", "committee", DISTRICT_MANAGED, "removal", True, "Cấp ủy cấp huyện"),
        # organisation_reprimand_warning: the directly superior committee or standing committee
        ("grassroots", "committee", CELL_ORG, "reprimand", True, "cấp trên trực tiếp"),
        ("grassroots", "standing_committee", CELL_ORG, "warning", True, "cấp trên trực tiếp"),
        ("district", "committee", CELL_ORG, "warning", False, "đề nghị Đảng ủy cơ sở"),
        ("province", "committee", COMMUNE_2025, "warning", True, "cấp trên trực tiếp"),
        ("district", "committee", COMMUNE_2025, "warning", False, "đề nghị Cấp ủy cấp tỉnh"),
        ("cell", "cell", CELL_ORG, "reprimand", False, "đề nghị Đảng ủy cơ sở"),
        # unconfirmed rows deny and say so
        ("grassroots", "committee", CELL_ORG, "dissolution", False, "Chưa xác nhận thẩm quyền"),
        ("district", "committee", CELL_ORG, "dissolution", False, "đề nghị cấp có thẩm quyền"),
        ("district", "standing_committee", ORDINARY, "warning", False,
         "đề nghị Cấp ủy cấp huyện"),
        ("province", "standing_committee", ORDINARY, "expulsion", False, "Chưa xác nhận"),
        ("district", "inspection_committee", ORDINARY, "warning", False, "Chưa xác nhận"),
        ("province", "inspection_committee", CELL_ORG, "reprimand", False, "Chưa xác nhận"),
        ("central", "committee", ORDINARY, "expulsion", False, "Chưa xác nhận"),
        ("central", "standing_committee", ORDINARY, "reprimand", False,
         "đề nghị cấp có thẩm quyền"),
        # removal needs a post
        ("district", "committee", S("member", holds_post=False), "removal", False,
         "không giữ chức vụ"),
    ],
)
def test_can_decide(level, kind, subject, form, ok, in_reason):
    allowed, reason = d.can_decide(level, kind, subject, form)
    assert allowed is ok, reason
    assert in_reason in reason


@pytest.mark.parametrize(
    ("subject", "ok"),
    [
        (ORDINARY, True),
        (CELL_COMMITTEE_MEMBER, True),
        (GRASSROOTS_COMMITTEE_MEMBER, False),  # same-level committee member
        (DISTRICT_MANAGED, False),  # higher-managed cadre
        (DISTRICT_COMMITTEE_MEMBER, False),
    ],
)
def test_grassroots_expulsion_with_admission_authority(subject, ok):
    allowed, reason = d.can_decide("grassroots", "committee", subject, "expulsion",
                                   body_can_admit_members=True)
    assert allowed is ok, reason


def test_every_authority_row_is_cited_and_reachable():
    keys = [r.key for r in d.AUTHORITY_RULES]
    assert len(keys) == len(set(keys))
    for rule in d.AUTHORITY_RULES:
        assert rule.citation and rule.label_vi
        assert rule.forms <= set(d.FORM_LABELS_VI)
        assert rule.categories <= set(d.SUBJECT_CATEGORY_LABELS_VI)
        if not rule.is_confirmed:
            assert "chưa xác nhận" in rule.citation.lower() or "Không có" in rule.citation


def test_an_administrator_can_confirm_an_unconfirmed_row():
    rules = tuple(replace(r, is_confirmed=True) if r.key == "inspection_committee_members" else r
                  for r in d.AUTHORITY_RULES)
    assert d.can_decide("district", "inspection_committee", ORDINARY, "warning")[0] is False
    assert d.can_decide("district", "inspection_committee", ORDINARY, "warning",
                        rules=rules)[0] is True


@pytest.mark.parametrize(
    "subject",
    [{"kind": "member"}, "member", {"kind": "member", "is_committee_member_at": "province"}],
)
def test_can_decide_accepts_mappings_and_kinds(subject):
    assert d.can_decide("cell", "cell", subject, "reprimand")[0] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ward", "cell", ORDINARY, "reprimand"), "unknown level"),
        (("cell", "party_cell", ORDINARY, "reprimand"), "unknown body kind"),
        (("cell", "cell", "citizen", "reprimand"), "unknown subject kind"),
        (("cell", "cell", ORDINARY, "criticism"), "unknown discipline form"),
        (("cell", "cell", PROBATIONARY, "removal"), "does not apply"),
        (("district", "committee", ORDINARY, "dissolution"), "does not apply"),
        (("cell", "cell", {"kind": "member", "rank": 3}, "reprimand"), "unknown subject fields"),
        (("cell", "cell", {"kind": "member", "violation_domain": "x"}, "reprimand"),
         "unknown violation domain"),
        (("grassroots", "committee", S("organisation"), "warning"), "needs its level"),
        (("cell", "cell", {"kind": "member", "managed_by_level": "ward"}, "warning"),
         "unknown level"),
    ],
)
def test_can_decide_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        d.can_decide(*args)


@pytest.mark.parametrize(
    ("level", "subject", "form", "kwargs", "expected"),
    [
        ("cell", ORDINARY, "expulsion", {}, ("district", "committee")),
        ("cell", ORDINARY, "expulsion", {"can_admit_members": True}, ("grassroots", "committee")),
        ("grassroots", ORDINARY, "expulsion",
         {"chain": ("cell", "grassroots", "province", "central")}, ("province", "committee")),
        ("cell", ASSIGNED, "reprimand", {"body_kind": "cell"}, ("grassroots", "committee")),
        ("cell", ORDINARY, "reprimand", {"body_kind": "cell_committee"}, ("cell", "cell")),
        ("district", ORDINARY, "warning", {"body_kind": "inspection_committee"},
         ("district", "committee")),
        ("grassroots", CELL_ORG, "dissolution", {}, None),
        ("district", DISTRICT_COMMITTEE_MEMBER, "expulsion", {"body_kind": "committee"},
         ("province", "committee")),
        ("province", PROVINCE_COMMITTEE_MEMBER, "expulsion", {"body_kind": "committee"}, None),
        ("district", CELL_ORG, "warning", {}, ("grassroots", "committee")),
    ],
)
def test_competent_level(level, subject, form, kwargs, expected):
    assert d.competent_level(level, subject, form, **kwargs) == expected


@pytest.mark.parametrize(
    ("level", "subject", "category"),
    [
        ("cell", ORDINARY, "ordinary"),
        ("cell", CELL_COMMITTEE_MEMBER, "same_level_committee_member"),
        ("grassroots", CELL_COMMITTEE_MEMBER, "lower_committee_member"),
        ("grassroots", GRASSROOTS_COMMITTEE_MEMBER, "same_level_committee_member"),
        ("grassroots", DISTRICT_COMMITTEE_MEMBER, "higher_committee_member"),
        ("district", DISTRICT_MANAGED, "ordinary"),
        ("grassroots", DISTRICT_MANAGED, "higher_managed"),
        ("grassroots", CELL_ORG, "directly_lower_organisation"),
        ("district", CELL_ORG, "other_organisation"),
        ("province", COMMUNE_2025, "directly_lower_organisation"),
        ("central", S("organisation", level="central"), "other_organisation"),
    ],
)
def test_subject_category(level, subject, category):
    assert d.subject_category(level, subject) == category


@pytest.mark.parametrize(
    ("level", "kind", "label"),
    [
        ("cell", "cell", "Chi bộ"), ("cell", "cell_committee", "Chi ủy"),
        ("grassroots", "committee", "Đảng ủy cơ sở"), ("district", "committee", "Cấp ủy cấp huyện"),
        ("province", "inspection_committee", "Ủy ban Kiểm tra cấp tỉnh"),
        ("central", "committee", "Ban Chấp hành Trung ương"),
    ],
)
def test_body_label(level, kind, label):
    assert d.body_label(level, kind) == label


# --------------------------------------------------------------------------- limitation


@pytest.mark.parametrize(
    ("kind", "form", "ended", "decided", "category", "expired"),
    [
        ("member", "reprimand", date(2019, 3, 10), date(2024, 3, 10), None, False),  # last day
        ("member", "reprimand", date(2019, 3, 10), date(2024, 3, 11), None, True),
        ("member", "reprimand", date(2019, 3, 10), date(2019, 3, 10), None, False),
        ("member", "warning", date(2010, 1, 1), date(2020, 1, 1), None, False),
        ("member", "warning", date(2010, 1, 1), date(2020, 1, 2), None, True),
        ("member", "removal", date(2012, 6, 30), date(2022, 7, 1), None, True),
        ("member", "removal", date(2012, 6, 30), date(2022, 6, 30), None, False),
        ("member", "expulsion", date(1990, 1, 1), date(2025, 1, 1), None, False),
        ("probationary_member", "reprimand", date(2018, 5, 2), date(2023, 5, 3), None, True),
        ("probationary_member", "warning", date(2018, 5, 2), date(2023, 5, 3), None, False),
        ("organisation", "reprimand", date(2015, 1, 1), date(2020, 1, 2), None, True),
        ("organisation", "warning", date(2015, 1, 1), date(2020, 1, 2), None, False),
        ("organisation", "warning", date(2015, 1, 1), date(2025, 1, 2), None, True),
        ("organisation", "dissolution", date(1995, 1, 1), date(2025, 1, 2), None, False),
        # categories with no limitation
        ("member", "reprimand", date(2000, 1, 1), date(2025, 1, 1), "internal_politics", False),
        ("member", "warning", date(2000, 1, 1), date(2025, 1, 1), "national_security", False),
        ("member", "removal", date(2000, 1, 1), date(2025, 1, 1), "illegal_diploma", False),
        ("probationary_member", "reprimand", date(2000, 1, 1), date(2025, 1, 1),
         "illegal_diploma", False),
        ("organisation", "reprimand", date(2000, 1, 1), date(2025, 1, 1), "internal_politics",
         False),
        ("organisation", "warning", date(2000, 1, 1), date(2025, 1, 1), "national_security",
         False),
        # leap day: 29 February runs to 28 February
        ("member", "reprimand", date(2020, 2, 29), date(2025, 2, 28), None, False),
        ("member", "reprimand", date(2020, 2, 29), date(2025, 3, 1), None, True),
        ("member", "warning", date(2024, 2, 29), date(2034, 2, 28), None, False),
        ("member", "warning", date(2024, 2, 29), date(2034, 3, 1), None, True),
        # before QĐ 30: the same periods apply
        ("member", "reprimand", date(2010, 4, 1), date(2015, 4, 2), None, True),
    ],
)
def test_limitation_expired(kind, form, ended, decided, category, expired):
    assert d.limitation_expired(kind, form, ended, decided, category) is expired


@pytest.mark.parametrize(
    ("kind", "form", "ended", "category", "deadline"),
    [
        ("member", "reprimand", date(2019, 3, 10), None, date(2024, 3, 10)),
        ("member", "removal", date(2016, 2, 29), None, date(2026, 2, 28)),
        ("member", "expulsion", date(2019, 3, 10), None, None),
        ("member", "reprimand", date(2019, 3, 10), "internal_politics", None),
        ("organisation", "warning", date(2019, 3, 10), None, date(2029, 3, 10)),
    ],
)
def test_limitation_deadline(kind, form, ended, category, deadline):
    assert d.limitation_deadline(kind, form, ended, category) == deadline


@pytest.mark.parametrize(
    ("new_violation_on", "deadline"),
    [
        (None, date(2020, 1, 1)),
        (date(2019, 6, 1), date(2024, 6, 1)),  # inside the period: restart from it
        (date(2020, 1, 1), date(2025, 1, 1)),  # on the last day: still inside
        (date(2021, 1, 1), date(2020, 1, 1)),  # after the period ran out: no restart
    ],
)
def test_a_new_violation_restarts_the_period(new_violation_on, deadline):
    got = d.limitation_deadline("member", "reprimand", date(2015, 1, 1),
                                new_violation_on=new_violation_on)
    assert got == deadline


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("member", "reprimand", date(2020, 1, 2), date(2020, 1, 1)), {}, "before the violation"),
        (("member", "reprimand", date(2020, 1, 1), date(2021, 1, 1), "corruption"), {},
         "unknown limitation category"),
        (("organisation", "warning", date(2020, 1, 1), date(2021, 1, 1), "illegal_diploma"), {},
         "does not apply"),
        (("probationary_member", "expulsion", date(2020, 1, 1), date(2021, 1, 1)), {},
         "does not apply"),
        (("cadre", "reprimand", date(2020, 1, 1), date(2021, 1, 1)), {}, "unknown subject kind"),
        (("member", "censure", date(2020, 1, 1), date(2021, 1, 1)), {}, "unknown discipline"),
        (("member", "reprimand", date(2020, 1, 1), date(2021, 1, 1)),
         {"new_violation_on": date(2019, 1, 1)}, "new_violation_on"),
    ],
)
def test_limitation_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        d.limitation_expired(*args, **kwargs)


@pytest.mark.parametrize(
    ("adopted", "ended", "decided", "outcome"),
    [
        (None, date(2019, 1, 1), date(2020, 1, 1), d.NO_DISCIPLINE),
        ("reprimand", date(2019, 1, 1), date(2020, 1, 1), d.ENFORCE),
        ("reprimand", date(2010, 1, 1), date(2020, 1, 1), d.NOT_ENFORCED),
        ("warning", date(2010, 1, 1), date(2020, 1, 1), d.ENFORCE),
        ("expulsion", date(1980, 1, 1), date(2020, 1, 1), d.ENFORCE),
    ],
)
def test_enforcement_outcome_after_the_vote(adopted, ended, decided, outcome):
    assert d.enforcement_outcome(adopted, "member", ended, decided) == outcome
    assert outcome in d.OUTCOME_LABELS_VI


# --------------------------------------------------------------------------- rule sets


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2016, 7, 26), "qd30"),
        (date(2021, 7, 27), "qd30"),
        (date(2021, 7, 28), "qd22"),
        (date(2025, 5, 29), "qd22"),
        (date(2025, 5, 30), "qd296"),
        (date(2030, 1, 1), "qd296"),
    ],
)
def test_rule_set_on(day, key):
    assert d.rule_set_on(day).key == key


def test_no_rule_set_before_qd30():
    with pytest.raises(ValueError, match="no discipline rule set"):
        d.rule_set_on(date(2016, 7, 25))


def test_rule_set_parameters_carry_citations():
    for rules in d.RULE_SETS:
        params = rules.parameters()
        assert {"majority", "expulsion_proposal", "limitation_years", "complaint_window",
                "decision_effect_years", "suspension"} <= set(params)
        assert all(p.citation for p in params.values())
    qd30, qd22, qd296 = d.RULE_SETS
    assert qd30.suspension.value == d.Limit(90, Unit.WORKING_DAYS)
    assert qd22.suspension_max.value == d.Limit(180, Unit.CALENDAR_DAYS)
    assert qd22.complaint_window.value == d.Limit(1, Unit.MONTHS)
    assert qd296.decision_effect_years.is_confirmed is False
    assert qd296.dissolution.is_confirmed is False
    assert qd22.majority.is_confirmed and not qd296.majority.is_confirmed


def test_an_administrator_can_change_a_parameter():
    qd296 = d.rule_set_on(date(2026, 1, 1))
    changed = qd296.with_values(decision_effect_years=2, dissolution=d.MORE_THAN_HALF)
    assert changed.decision_effect_years.value == 2
    assert changed.decision_effect_years.is_confirmed is False
    assert "quản trị viên" in changed.decision_effect_years.citation
    assert d.tally({"dissolution": 5}, 9, rule_set=changed) == "dissolution"
    assert d.tally({"dissolution": 5}, 9, rule_set=qd296) is None
    with pytest.raises(ValueError, match="unknown rule-set parameter"):
        qd296.with_values(quorum=3)


# --------------------------------------------------------------------------- effect period

QD30, QD22, QD296 = d.RULE_SETS


@pytest.mark.parametrize(
    ("announced", "form", "rule_set", "kwargs", "lapses"),
    [
        (date(2022, 3, 10), "warning", QD22, {}, date(2023, 3, 10)),
        (date(2022, 3, 10), "removal", None, {}, date(2023, 3, 10)),
        (date(2024, 2, 29), "reprimand", None, {}, date(2025, 2, 28)),
        (date(2026, 1, 5), "reprimand", QD296, {}, date(2027, 1, 5)),
        (date(2022, 3, 10), "expulsion", QD22, {}, None),
        (date(2022, 3, 10), "dissolution", QD22, {}, None),
        (date(2022, 3, 10), "warning", QD22, {"new_violation": True}, None),
        (date(2022, 3, 10), "warning", QD22, {"complained": True}, None),
        (date(2022, 3, 10), "warning", QD22,
         {"complained": True, "complaint_ruling_on": date(2022, 9, 1)}, None),
        (date(2018, 3, 10), "warning", QD30,
         {"complained": True, "complaint_ruling_on": date(2018, 9, 1)}, date(2019, 9, 1)),
        (date(2018, 3, 10), "warning", QD30, {"complained": True}, None),  # ruling pending
        (date(2026, 1, 5), "warning", QD296.with_values(decision_effect_years=None), {}, None),
    ],
)
def test_decision_lapses_on(announced, form, rule_set, kwargs, lapses):
    assert d.decision_lapses_on(announced, form, rule_set, **kwargs) == lapses


def test_decision_lapses_on_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown discipline form"):
        d.decision_lapses_on(date(2022, 1, 1), "censure")
    with pytest.raises(ValueError, match="before the announcement"):
        d.decision_lapses_on(date(2018, 3, 10), "warning", QD30,
                             complaint_ruling_on=date(2018, 1, 1))


# --------------------------------------------------------------------------- circumstances


def test_circumstances_catalogues_are_cited():
    for catalogue in (d.MITIGATING, d.AGGRAVATING):
        for item in catalogue.values():
            assert item.label_vi and item.citation and item.subject_kinds
    assert all(not c.is_confirmed for c in d.AGGRAVATING.values())  # QĐ 69 list unconfirmed


@pytest.mark.parametrize(
    ("kwargs", "mitigating", "aggravating"),
    [
        ({}, (), ()),
        ({"mitigating": ["self_reported", "stopped_and_remedied", "self_reported"]},
         ("self_reported", "stopped_and_remedied"), ()),
        ({"aggravating": ("evasion_or_concealment",), "subject_kind": "organisation"},
         (), ("evasion_or_concealment",)),
        ({"mitigating": ("org_self_reported",), "subject_kind": "organisation"},
         ("org_self_reported",), ()),
        ({"mitigating": ("reported_co_violators",), "subject_kind": "probationary_member"},
         ("reported_co_violators",), ()),
    ],
)
def test_circumstances_recorded(kwargs, mitigating, aggravating):
    c = d.Circumstances(**kwargs)
    assert (c.mitigating, c.aggravating) == (mitigating, aggravating)
    assert d.Circumstances(**c.as_dict()) == c
    assert len(c.labels_vi()["mitigating"]) == len(mitigating)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mitigating": ("bribed_the_committee",)}, "unknown mitigating"),
        ({"aggravating": ("self_reported",)}, "unknown aggravating"),
        ({"mitigating": "self_reported"}, "not a string"),
        ({"mitigating": ("self_reported",), "subject_kind": "organisation"}, "does not apply"),
        ({"subject_kind": "cadre"}, "unknown subject kind"),
    ],
)
def test_circumstances_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        d.Circumstances(**kwargs)


# --------------------------------------------------------------------------- deferral


@pytest.mark.parametrize(
    ("args", "kwargs", "contains"),
    [
        ((), {}, None),
        ((), {"pregnant": True}, "mang thai"),
        ((["serious_illness"],), {}, "bệnh nặng"),
        ((), {"seriously_ill_in_hospital": True, "pregnant": True}, "mang thai; "),
        ((), {"child_born_on": date(2025, 1, 10), "on": date(2026, 1, 9)}, "12 tháng"),
        ((), {"child_born_on": date(2025, 1, 10), "on": date(2026, 1, 10)}, None),
        ((("child_under_12_months",),), {}, "QĐ 296 điều 8(7)"),
    ],
)
def test_deferral_reason(args, kwargs, contains):
    reason = d.deferral_reason(*args, **kwargs)
    if contains is None:
        assert reason is None
    else:
        assert reason is not None and contains in reason


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((["holiday"],), {}),
        (("pregnancy",), {}),
        ((), {"child_born_on": date(2025, 1, 1)}),
        ((), {"child_born_on": date(2025, 1, 2), "on": date(2025, 1, 1)}),
    ],
)
def test_deferral_reason_rejects(args, kwargs):
    with pytest.raises(ValueError):
        d.deferral_reason(*args, **kwargs)
