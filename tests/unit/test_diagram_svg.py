"""The SVG workflow diagram: every state drawn, the current one marked, valid XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from workflows import registry
from workflows.diagram_svg import Highlight, is_shortcut, render_svg, wrap

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


@pytest.mark.parametrize("definition", registry.all_definitions(),
                         ids=lambda d: f"{d.name}-v{d.version}")
def test_every_state_and_every_drawn_event_is_in_the_picture(definition):
    root = _parse(render_svg(definition))
    states = {g.get("data-state") for g in _groups(root, "wf-state")}
    assert states == {s.name for s in definition.states}
    drawn = {g.get("data-event") for g in _groups(root, "wf-edge")}
    assert drawn == {e.name for e in definition.events if not is_shortcut(e)}
    assert root.get("role") == "img" and root.find(f"{SVG}title").text


def test_the_current_state_visited_states_and_next_steps_are_marked():
    d = registry.get("inspection_violation", 2)
    svg = render_svg(d, highlight=Highlight(current="verifying",
                                             visited=frozenset({"proposed", "decided"}),
                                             taken=frozenset({("decide", "proposed")})))
    root = _parse(svg)
    current = _groups(root, "wf-state--current")
    assert [g.get("data-state") for g in current] == ["verifying"]
    assert current[0].get("aria-current") == "step"
    assert {g.get("data-state") for g in _groups(root, "wf-state--visited")} == {
        "proposed", "decided"}
    next_events = {g.get("data-event") for g in _groups(root, "wf-edge--next")}
    assert next_events == {e.name for e in d.events_from("verifying")}
    # A shortcut (cancel from many steps) is drawn from the current state only.
    assert "cancel" in next_events
    assert [g.get("data-event") for g in _groups(root, "wf-edge--taken")] == ["decide"]
    # Colours come from classes: nothing a strict CSP would block.
    assert "style=" not in svg and "<script" not in svg


def test_labels_are_translated_and_escaped():
    d = registry.get("inspection_violation", 1)
    svg = render_svg(d, translate=lambda s: f"<{s}&>", title="A & B")
    assert "<Đề" not in svg and "&lt;" in svg
    _parse(svg)  # still well-formed


def test_wrap_keeps_lines_short_and_marks_a_cut():
    lines = wrap("một hai ba bốn năm sáu bảy tám chín mười " * 4, width=12, max_lines=3)
    assert len(lines) == 3 and all(len(line) <= 12 for line in lines)
    assert lines[-1].endswith("…")
    assert wrap("") == [""]
