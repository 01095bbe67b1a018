"""The workflow pages and the diagram on the case page."""

from __future__ import annotations

import re

from tests import factories as f
from tests.integration.ui.conftest import text
from workflows import registry


def _states_drawn(page: str) -> set[str]:
    return set(re.findall(r'data-state="([a-z_]+)"', page))


def test_the_list_links_every_definition(ui, w):
    ui.sign_in(w.viewer)
    page = text(ui.get("/workflows"))
    for d in registry.all_definitions():
        assert f"/workflows/{d.name}/{d.version}" in page


def test_each_definition_page_draws_every_state_and_lists_the_events(ui, w):
    ui.sign_in(w.inspector)
    for d in registry.all_definitions():
        response = ui.get(f"/workflows/{d.name}/{d.version}")
        assert response.status_code == 200
        page = text(response)
        assert _states_drawn(page) == {s.name for s in d.states}
        assert "wf-state--current" not in page
        for event in d.events:
            assert f"<code>{event.name}</code>" in page
        for state in d.states:
            for rule in state.deadlines:
                if rule.citation:
                    assert rule.citation.replace("'", "&#39;")[:30] in page.replace("&#34;", '"')


def test_an_unknown_workflow_is_404(ui, w):
    ui.sign_in(w.inspector)
    assert ui.get("/workflows/nope/1").status_code == 404
    assert ui.get("/workflows/inspection_violation/99").status_code == 404


def test_the_case_page_highlights_the_current_state(ui, w, make_case):
    case = f.advance(w, make_case(), f.FULL_PATH[:2])  # decided, then launched
    ui.sign_in(w.inspector)
    page = text(ui.get(f"/cases/{case.id}"))
    current = re.findall(r'<g class="([^"]*wf-state--current[^"]*)"[^>]*data-state="([a-z_]+)"',
                         page)
    assert [state for _, state in current] == ["launched"]
    visited = set(re.findall(r'class="[^"]*wf-state--visited[^"]*"[^>]*data-state="([a-z_]+)"',
                             page))
    assert {"proposed", "decided", "launched"} <= visited
    assert 'aria-current="step"' in page
    assert f"/workflows/{case.workflow_name}/{case.workflow_version}" in page


def test_the_diagram_speaks_english_too(ui, w, make_case):
    case = make_case()
    ui.sign_in(w.inspector)
    ui.post("/language", {"lang": "en", "next": "/"})
    page = text(ui.get(f"/cases/{case.id}"))
    assert "Workflow diagram" in page
    assert "Current step:" in page
