"""``lms gift import`` and ``lms gift export`` on Moodle's own GIFT files."""

from __future__ import annotations

import shutil
from pathlib import Path

from lms.assessments.quizfile import parse_quiz
from lms.assessments.spec import Kind
from tests.conftest import CONTENT, app_config

FIXTURES = Path(__file__).parent / "fixtures" / "gift"


def _app(tmp_path: Path):
    from lms import create_app

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return create_app(app_config(CONTENT_DIR=str(root))), root


def test_import_moodle_examples_writes_a_native_quiz(tmp_path):
    app, root = _app(tmp_path)
    source = FIXTURES / "moodle-examples.gift.txt"
    result = app.test_cli_runner().invoke(
        args=["gift", "import", str(source), "--course", "foundations", "--name", "examples"]
    )
    target = root / "foundations" / "quiz-examples.md"
    assert target.exists(), result.output
    quiz, problems = parse_quiz(target.read_text(), str(target))
    assert quiz is not None and not problems
    kinds = {q.kind for q in quiz.questions}
    assert {Kind.SINGLE, Kind.TRUE_FALSE, Kind.SHORT, Kind.MATCHING, Kind.NUMERICAL} <= kinds
    # Overwriting needs --force.
    again = app.test_cli_runner().invoke(
        args=["gift", "import", str(source), "--course", "foundations", "--name", "examples"]
    )
    assert again.exit_code != 0 and "--force" in again.output


def test_import_reports_unsupported_questions_by_name_and_line(tmp_path):
    app, root = _app(tmp_path)
    source = FIXTURES / "moodle-questions.gift.txt"
    result = app.test_cli_runner().invoke(
        args=["gift", "import", str(source), "--course", "foundations", "--name", "moodle"]
    )
    assert result.exit_code == 1
    assert "moodle-questions.gift.txt:2: essay question 'Q8' is not supported" in result.output
    assert (root / "foundations" / "quiz-moodle.md").exists()  # the rest was imported


def test_export_then_import_round_trips(tmp_path):
    app, root = _app(tmp_path)
    native = root / "foundations" / "quiz-final.md"
    out = tmp_path / "final.gift"
    result = app.test_cli_runner().invoke(args=["gift", "export", str(native), "-o", str(out)])
    original, _ = parse_quiz(native.read_text(), str(native))
    ordering = [q.id for q in original.questions if q.kind == Kind.ORDERING]
    if ordering:  # GIFT has no ordering type: reported, not silently dropped
        assert result.exit_code == 1 and ordering[0] in result.output
    back = app.test_cli_runner().invoke(
        args=["gift", "import", str(out), "--course", "foundations", "--name", "back"]
    )
    assert back.exit_code == 0, back.output
    back_file = root / "foundations" / "quiz-back.md"
    reread, problems = parse_quiz(back_file.read_text(), str(back_file))
    assert not problems
    by_id = {q.id: q for q in reread.questions}
    for question in original.questions:
        if question.kind == Kind.ORDERING:
            continue
        again = by_id[question.id]
        assert (
            again.kind,
            again.text,
            again.pool,
            again.choices,
            again.answers,
            again.pairs,
            again.feedback,
        ) == (
            question.kind,
            question.text,
            question.pool,
            question.choices,
            question.answers,
            question.pairs,
            question.feedback,
        ), question.id
