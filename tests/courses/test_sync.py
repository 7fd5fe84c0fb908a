"""Content sync: idempotent, versioned, all-or-nothing, progress kept across versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.courses.loader import load_tree
from lms.courses.models import ContentSync, Course, Module, ModuleProgress
from lms.courses.services import sync_content
from lms.courses.spec import ContentError
from lms.extensions import db
from tests.conftest import CONTENT, login, post


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def _snapshot() -> list[tuple]:
    modules = db.session.execute(
        select(Module.slug, Module.version, Module.content_hash, Module.active).order_by(Module.id)
    ).all()
    courses = db.session.execute(select(Course.slug, Course.content_hash, Course.active)).all()
    return [*modules, *courses, db.session.scalar(select(func.count(ContentSync.id)))]


def test_resync_of_unchanged_content_is_a_no_op(app, tree_copy):
    first = sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    assert first.changed and "course:foundations" in first.created
    before = _snapshot()
    second = sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    assert not second.changed
    assert _snapshot() == before


def test_changed_module_gets_a_new_version_and_progress_survives(client, world, tree_copy):
    login(client, world.learner)
    page = "/courses/foundations/trauma-informed-approach"
    post(client, f"{page}/complete")
    assert "One more sentence" not in client.get(page).get_data(as_text=True)  # cached now
    path = next(tree_copy.glob("foundations/[0-9]*-trauma-informed-approach.md"))
    path.write_text(path.read_text() + "\n\nOne more sentence for the update.\n")
    report = sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    # (The world synced only Foundations; the rest of the curriculum arrives as "created".)
    assert [item for item in report.updated if "foundations" in item] == [
        "course:foundations",
        "module:foundations/trauma-informed-approach",
    ]
    module = db.session.scalars(
        select(Module).where(Module.slug == "trauma-informed-approach")
    ).one()
    assert module.version == 2 and "One more sentence" in module.html
    progress = db.session.scalars(select(ModuleProgress)).one()
    assert progress.completed_at is not None and progress.completed_version == 1
    html = client.get("/courses/foundations").get_data(as_text=True)
    assert "modules complete" in html and "Updated since you completed it" in html
    assert "One more sentence" in client.get(page).get_data(as_text=True)  # not the cached text


def test_changing_a_site_variable_updates_the_modules_that_use_it(app, tree_copy):
    sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    site = tree_copy / "site.yml"
    site.write_text(site.read_text().replace("Example State", "Lakeshore State"))
    report = sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    assert any(item.startswith("module:") for item in report.updated)
    assert "Lakeshore State" in " ".join(db.session.scalars(select(Module.html)))


def test_removed_module_is_retired_not_deleted(app, tree_copy):
    sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    next(tree_copy.glob("foundations/02-*.md")).unlink()
    # Its knowledge check goes with it (a check must follow a module of the course).
    check = tree_copy / "foundations" / "quiz-check-how-exploitation-happens.md"
    saved_check = check.read_text()
    check.unlink()
    report = sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    assert report.retired == ["module:foundations/how-exploitation-happens"]
    total = db.session.scalar(select(func.count(Module.id)))
    active = db.session.scalar(select(func.count(Module.id)).where(Module.active))
    assert total == active + 1  # the row stays, retired
    # Putting it back restores the same row (same id, progress still attached).
    check.write_text(saved_check)
    shutil.copy(
        CONTENT / "foundations" / "02-how-exploitation-happens.md", tree_copy / "foundations"
    )
    sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    assert db.session.scalar(select(func.count(Module.id))) == total  # no new row
    assert db.session.scalar(select(func.count(Module.id)).where(Module.active)) == total


def test_a_broken_tree_changes_nothing(app, tree_copy):
    from lms.cli import content_sync

    sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    before = _snapshot()
    good = next(tree_copy.glob("foundations/01-*.md"))
    good.write_text(good.read_text() + "\nNew text.\n")  # a valid change ...
    bad = next(tree_copy.glob("foundations/[0-9]*-trauma-informed-approach.md"))
    bad.write_text(
        bad.read_text().replace("minutes:", "minutes: -5\nx_minutes:", 1)
    )  # ... and a bad one
    with pytest.raises(ContentError):
        load_tree(tree_copy)
    result = app.test_cli_runner().invoke(content_sync, [str(tree_copy)])
    assert result.exit_code == 1
    assert "-trauma-informed-approach.md:" in result.output
    assert "Nothing was changed" in result.output
    db.session.expire_all()
    assert _snapshot() == before


def test_a_failure_inside_the_sync_rolls_everything_back(app, tree_copy, monkeypatch):
    from lms.cli import content_sync
    from lms.courses import services

    sync_content(db.session, load_tree(tree_copy), clock.now())
    db.session.commit()
    before = _snapshot()
    good = next(tree_copy.glob("foundations/01-*.md"))
    good.write_text(good.read_text() + "\nNew text.\n")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_sync_module", explode)
    result = app.test_cli_runner().invoke(content_sync, [str(tree_copy)])
    assert result.exit_code != 0 and "nothing was changed" in result.output
    db.session.expire_all()
    assert _snapshot() == before
