from pathlib import Path

from workflows import registry
from workflows.diagram import mermaid, readme


def test_mermaid_has_every_state_and_transition():
    d = registry.for_kind("inspection_violation")
    text = mermaid(d)
    for state in d.states:
        assert f"    {state.name} :" in text
    assert "committee_review --> verifying : send_back" in text


def test_workflows_readme_is_up_to_date():
    current = Path(__file__).resolve().parents[2] / "workflows" / "README.md"
    assert current.read_text(encoding="utf-8") == readme(registry.all_definitions()), (
        "run `python -m workflows.diagram`"
    )
