"""docs/form.md is the form model rendered: an edit to the templates without regenerating it fails here."""

from pathlib import Path

from pipelines.report.docs import render_form

DOC = Path(__file__).resolve().parents[2] / "docs" / "form.md"


def test_form_reference_is_generated_from_the_model():
    assert DOC.read_text(encoding="utf-8") == render_form(), "run: govreports form --write docs/form.md"


def test_form_reference_lists_every_row_and_rule():
    text = render_form()
    for key in ("new_received", "other_handling", "other_other", "carried_forward", "applications.balance"):
        assert f"| {key} |" in text
