"""Templates render clipping text escaped, with the engine's marks as the only markup."""

from pathlib import Path

import pytest
from flask import render_template_string

from indexer.results import Marked

TEMPLATES = Path(__file__).resolve().parents[1] / "webui" / "templates"
MACRO = '{% from "_marked.html" import marked %}{{ marked(text) }}'


def test_no_template_turns_off_escaping():
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), template.name
        assert "autoescape false" not in source, template.name


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("camp near Baghdad", ((0, 4),), "<mark>camp</mark> near Baghdad"),
        ("<b>camp</b>", ((3, 7),), "&lt;b&gt;<mark>camp</mark>&lt;/b&gt;"),
        ('<script>alert("x")</script>', ((8, 13),),
         "&lt;script&gt;<mark>alert</mark>(&#34;x&#34;)&lt;/script&gt;"),
        ("</mark><mark>", ((0, 7),), "<mark>&lt;/mark&gt;</mark>&lt;mark&gt;"),
        ("plain", (), "plain"),
    ],
)  # fmt: skip
def test_the_marked_macro_escapes_text_and_wraps_only_the_spans(app, text, marks, expected):
    with app.test_request_context():
        assert render_template_string(MACRO, text=Marked(text, marks)) == expected
