"""Fixtures for assessment tests: the quiz laboratory course synced beside the curriculum."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms import clock
from lms.courses.loader import load_tree
from lms.courses.services import sync_content
from lms.extensions import db
from tests.conftest import CONTENT

LAB = Path(__file__).parent / "fixtures" / "lab"


@pytest.fixture
def lab_tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    shutil.copytree(LAB, root / "quiz-lab")
    return root


@pytest.fixture
def lab(world, lab_tree):
    sync_content(db.session, load_tree(lab_tree), clock.now())
    db.session.commit()
    return lab_tree
