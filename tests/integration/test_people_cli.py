"""``hgkiemtra users create|token|list``: real commits, so the ``committed`` fixture."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from hgkiemtra.auth.models import ApiToken
from hgkiemtra.auth.passwords import verify_password
from hgkiemtra.auth.tokens import user_for_token
from hgkiemtra.core.db import db
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from hgkiemtra.people.service import find_user
from tests import factories as f

PASSWORD = "mat-khau-du-dai-2026"


@pytest.fixture()
def orgs(committed: Flask) -> tuple[Organisation, Organisation]:
    province = f.org("Đảng bộ tỉnh Hậu Giang", "province", code="HG")
    district = f.org("Đảng bộ thành phố Vị Thanh", "district", province, code="HG.VT")
    db.session.commit()
    return province, district


def invoke(app: Flask, *args: str, stdin: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count(User.id))) or 0,
        db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))) or 0,
        db.session.scalar(sa.select(sa.func.count(ApiToken.id))) or 0,
    )


def create(app: Flask, email: str = "Chu.Nhiem@HG.vn", *extra: str, **kw: str) -> Result:
    args = ["users", "create", email, "--name", "Võ Thanh Tùng",
            "--role", "chair", "--org", "HG.VT", *extra]
    return invoke(app, *args, **kw)


def test_create_user_with_roles_over_org_codes_and_ids(committed, orgs):
    province, district = orgs
    result = invoke(committed, "users", "create", "Chu.Nhiem@HG.vn", "--name", "Võ Thanh Tùng",
                    "--role", "chair", "--org", "HG.VT",
                    "--role", "viewer", "--org", str(province.id),
                    "--password", PASSWORD, "--locale", "en")
    assert result.exit_code == 0, result.output
    assert "chu.nhiem@hg.vn" in result.stdout and "Generated" not in result.stdout
    db.session.expire_all()
    user = find_user("chu.nhiem@hg.vn")
    assert user is not None and user.full_name == "Võ Thanh Tùng" and user.locale == "en"
    assert sorted((r.role, r.org_id) for r in user.roles) == sorted(
        [("chair", district.id), ("viewer", province.id)]
    )
    assert verify_password(user.password_hash, PASSWORD)


def test_generated_password_is_printed_once_and_works(committed, orgs):
    result = create(committed)
    assert result.exit_code == 0, result.output
    (line,) = [ln for ln in result.stdout.splitlines() if "Generated password" in ln]
    generated = line.rsplit(" ", 1)[1]
    assert len(generated) >= 16
    assert verify_password(find_user("chu.nhiem@hg.vn").password_hash, generated)


def test_password_from_stdin(committed, orgs):
    result = create(committed, "a@hg.vn", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert verify_password(find_user("a@hg.vn").password_hash, PASSWORD)


def test_duplicate_email_fails_and_writes_nothing(committed, orgs):
    assert create(committed, "a@hg.vn", "--password", PASSWORD).exit_code == 0
    before = counts()
    result = create(committed, "  A@HG.VN ", "--password", PASSWORD, "--role", "viewer",
                    "--org", "HG")
    assert result.exit_code != 0
    assert "Đã có người dùng a@hg.vn" in result.stderr
    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--role", "viewer", "--org", "NOPE"), "no organisation with id or code 'NOPE'"),
        (("--role", "viewer"), "give one --org for each --role"),
        (("--org", "HG"), "give one --org for each --role"),
        (("--role", "emperor", "--org", "HG"), "emperor"),
        (("--password", "short"), "at least 12 characters"),
        (("--password", PASSWORD, "--password-stdin"), "not both"),
    ],
)
def test_bad_input_fails_with_a_message_and_writes_nothing(committed, orgs, extra, message):
    before = counts()
    result = create(committed, "b@hg.vn", *extra, stdin=PASSWORD + "\n")
    assert result.exit_code != 0
    assert message in result.stderr
    assert counts() == before and find_user("b@hg.vn") is None


def test_token_is_alone_on_the_first_line_and_authenticates(committed, orgs):
    assert create(committed, "a@hg.vn", "--password", PASSWORD).exit_code == 0
    result = invoke(committed, "users", "token", "A@hg.vn", "--name", "CI")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hgk_") and " " not in lines[0]
    assert "Authorization: Bearer" in result.stderr
    db.session.expire_all()
    user = user_for_token(lines[0])
    assert user is not None and user.email == "a@hg.vn"
    assert db.session.execute(sa.select(ApiToken.name)).scalar_one() == "CI"


def test_token_for_unknown_user_fails(committed, orgs):
    result = invoke(committed, "users", "token", "ghost@hg.vn")
    assert result.exit_code != 0
    assert "no user with email ghost@hg.vn" in result.stderr
    assert result.stdout == "" and counts()[2] == 0


def test_list_shows_email_name_and_roles(committed, orgs):
    invoke(committed, "users", "create", "b@hg.vn", "--name", "Lê Thị Hồng Nhung",
           "--role", "member", "--org", "HG", "--role", "inspector", "--org", "HG.VT",
           "--password", PASSWORD)
    create(committed, "a@hg.vn", "--password", PASSWORD)
    result = invoke(committed, "users", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("a@hg.vn") and "Võ Thanh Tùng" in lines[0]
    assert lines[0].rstrip().endswith("chair@HG.VT")
    assert lines[1].startswith("b@hg.vn") and "member@HG, inspector@HG.VT" in lines[1]
