"""The dependency rule: the pure core imports no web framework, database or clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parent.parent / "lms"
PURE = [
    "assessments/spec.py",
    "assessments/scoring.py",
    "assessments/snapshot.py",
    "assessments/draw.py",
    "assessments/policy.py",
    "assessments/responses.py",
    "assessments/content.py",
    "assessments/stats.py",
    "audit/chain.py",
    "certificates/codes.py",
    "certificates/policy.py",
    "certificates/document.py",
    "certificates/credential.py",
    "certificates/statuslist.py",
    "certificates/jsonld.py",
    "certificates/signing.py",
    "oversight/compliance.py",
    "oversight/evidence.py",
    "oversight/report.py",
    "oversight/suppression.py",
    "oversight/reminders.py",
    "oversight/exports.py",
    "oversight/rollup.py",
    "oversight/urgency.py",
    "oversight/xlsx.py",
    "oversight/filters.py",
    "courses/spec.py",
    "courses/loader.py",
    "courses/frontmatter.py",
    "courses/site.py",
    "courses/variables.py",
    "courses/markdown.py",
    "auth/throttle.py",
    "auth/passwords.py",
]
FORBIDDEN = (
    "flask",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "lms.extensions",
    "lms.db",
    "lms.clock",
    "werkzeug",
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


PURE += sorted(
    str(p.relative_to(LMS))
    for p in LMS.glob("assessments/*.py")
    if p.name.startswith(("quizfile", "gift"))
)


@pytest.mark.parametrize("module", PURE)
def test_pure_core_has_no_framework_imports(module):
    bad = {n for n in _imports(LMS / module) if n.split(".")[0] in FORBIDDEN or n in FORBIDDEN}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize("module", PURE)
def test_pure_core_never_reads_the_clock(module):
    text = (LMS / module).read_text()
    for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow("):
        assert call not in text, f"{module} calls {call}"


def test_only_clock_reads_the_wall_clock():
    offenders = []
    for path in LMS.rglob("*.py"):
        if path.name == "clock.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        if any(c in text for c in ("datetime.now(", "date.today(", "datetime.utcnow(")):
            offenders.append(str(path.relative_to(LMS)))
    assert not offenders
