"""Parsed question versions and quiz-version settings, kept per process and database.

Both are immutable: a sync that changes a question or a quiz adds a new version row and never
updates an old one (see ``sync.py``). A version id therefore always means the same content, and
its parsed form can be kept for the life of the process instead of being decoded from JSON on
every request. The caches are per engine, so apps on different databases (each test has its
own) never share ids. Values are frozen dataclasses; callers must not mutate them.
"""

from __future__ import annotations

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from lms.assessments.models import QuestionVersion, QuizVersion
from lms.assessments.snapshot import question_from_data, settings_from_data
from lms.assessments.spec import Question, QuizSettings

#: Entries kept per engine before a cache starts over (a course has a few hundred questions).
MAX_QUESTIONS = 4096
MAX_SETTINGS = 1024

_questions = QuestionVersion.__table__.c
_QUESTIONS = select(_questions.id, _questions.spec).where(
    _questions.id.in_(bindparam("ids", expanding=True))
)
_SETTINGS = select(QuizVersion.__table__.c.settings).where(
    QuizVersion.__table__.c.id == bindparam("id")
)


class _Cache:
    __slots__ = ("questions", "settings")

    def __init__(self) -> None:
        self.questions: dict[int, Question] = {}
        self.settings: dict[int, QuizSettings] = {}


_caches: WeakKeyDictionary[Engine, _Cache] = WeakKeyDictionary()


def _cache(db: Session) -> _Cache:
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches[engine] = _Cache()
    return cache


def questions(db: Session, version_ids: Iterable[int]) -> dict[int, Question]:
    """Return the questions of ``version_ids`` by id; one query for those not seen before."""
    known = _cache(db).questions
    found: dict[int, Question] = {}
    missing = []
    for version_id in version_ids:
        question = known.get(version_id)
        if question is None:
            missing.append(version_id)
        else:
            found[version_id] = question
    if missing:
        if len(known) + len(missing) > MAX_QUESTIONS:
            known.clear()
        for version_id, spec in db.execute(_QUESTIONS, {"ids": missing}):
            found[version_id] = known[version_id] = question_from_data(spec)
    return found


def settings(db: Session, quiz_version_id: int) -> QuizSettings:
    """Return the settings of one quiz version (what an attempt started under)."""
    known = _cache(db).settings
    found = known.get(quiz_version_id)
    if found is None:
        data = db.execute(_SETTINGS, {"id": quiz_version_id}).scalar_one()
        if len(known) >= MAX_SETTINGS:
            known.clear()
        found = known[quiz_version_id] = settings_from_data(data)
    return found
