"""``hgkiemtra orgs create``: the first organisation of a fresh installation."""

from __future__ import annotations

from click.testing import Result
from flask import Flask

from hgkiemtra.core.db import db
from hgkiemtra.people.service import find_organisation


def invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["orgs", "create", *args])


def test_a_top_level_organisation_then_one_below_it(committed: Flask) -> None:
    made = invoke(committed, "CT", "--name", "Đảng bộ thành phố Cần Thơ", "--level", "province")
    assert made.exit_code == 0, made.output
    assert "CT created" in made.output
    below = invoke(committed, "CT.VT", "--name", "Thành ủy Vị Thanh", "--level", "district",
                   "--parent", "CT")
    assert below.exit_code == 0, below.output
    db.session.remove()
    top, child = find_organisation("CT"), find_organisation("CT.VT")
    assert top is not None and child is not None
    assert top.parent_id is None and child.parent_id == top.id
    assert child.path == f"/{top.id}/{child.id}/"


def test_bad_input_exits_non_zero_and_writes_nothing(committed: Flask) -> None:
    assert invoke(committed, "CT", "--name", "A", "--level", "province").exit_code == 0
    cases = [
        (["CT", "--name", "B", "--level", "province"], "already used"),
        (["123", "--name", "B", "--level", "province"], "all digits"),
        (["X", "--name", "B", "--level", "district", "--parent", "NOPE"], "no organisation"),
        (["X", "--name", "B", "--level", "province", "--parent", "CT"], "không thể trực thuộc"),
        (["X", "--name", "B", "--level", "ward"], "Invalid value"),
    ]
    for args, message in cases:
        result = invoke(committed, *args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    db.session.remove()
    assert find_organisation("X") is None and find_organisation("123") is None
