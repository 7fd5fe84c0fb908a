"""Immutable description of the course content tree: what the loader produces.

Every class here is frozen and hashable, so a loaded :class:`ContentTree` can be cached,
compared and shared between threads without copying.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lms.courses.markdown import TocEntry

__all__ = [
    "ContentError",
    "ContentTree",
    "CourseSpec",
    "DisciplineSpec",
    "FrozenMap",
    "ModuleSpec",
    "Problem",
    "Source",
    "SiteSpec",
    "SupportResource",
    "TocEntry",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, at a file and 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content tree is invalid; ``problems`` lists every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class FrozenMap(Mapping[str, str]):
    """A read-only, hashable mapping of strings (site variables)."""

    __slots__ = ("_data",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._data: dict[str, str] = dict(items)

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True)
class Source:
    """A reference a module cites."""

    title: str
    url: str


@dataclass(frozen=True)
class SupportResource:
    """A support line shown on every page (crisis lines, hotlines, EAP)."""

    name: str
    contact: str
    description: str
    url: str | None


@dataclass(frozen=True)
class SiteSpec:
    """Site-wide settings from ``site.yml``."""

    variables: Mapping[str, str]
    support: tuple[SupportResource, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.variables, FrozenMap):
            object.__setattr__(self, "variables", FrozenMap(self.variables))


@dataclass(frozen=True)
class DisciplineSpec:
    """A profession Harbor trains, from ``disciplines.yml``."""

    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class ModuleSpec:
    """One module (``NN-slug.md``) of a course, rendered."""

    slug: str
    position: int
    title: str
    objectives: tuple[str, ...]
    minutes: int
    content_note: str | None
    sources: tuple[Source, ...]
    html: str
    toc: tuple[TocEntry, ...]
    words: int
    content_hash: str
    path: str
    #: Flesch–Kincaid grade of the rendered text (aim for 12 or below); None if no words.
    reading_grade: float | None = None


@dataclass(frozen=True)
class CourseSpec:
    """One course directory: ``course.md`` plus its modules, sorted by position."""

    slug: str
    title: str
    summary: str
    disciplines: tuple[str, ...]
    hours: Decimal
    version: str
    validity_months: int
    overview_html: str
    content_hash: str
    modules: tuple[ModuleSpec, ...]
    path: str
    #: The course's quizzes (lms.assessments.spec.QuizSpec), sorted by slug.
    quizzes: tuple[Any, ...] = ()

    def module(self, slug: str) -> ModuleSpec | None:
        """Return the module with this slug, or None."""
        return next((m for m in self.modules if m.slug == slug), None)


@dataclass(frozen=True)
class ContentTree:
    """The whole validated content tree; courses are sorted by slug."""

    site: SiteSpec
    disciplines: tuple[DisciplineSpec, ...]
    courses: tuple[CourseSpec, ...]
    content_hash: str
    #: Statutory requirements (lms.courses.requirements.RequirementSpec); () without a file.
    requirements: tuple[Any, ...] = ()

    def course(self, slug: str) -> CourseSpec | None:
        """Return the course with this slug, or None."""
        return next((c for c in self.courses if c.slug == slug), None)
