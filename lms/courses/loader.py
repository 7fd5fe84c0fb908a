"""Load and validate the markdown content tree into immutable specs.

Pure apart from reading files under the given root: no clock, no database, no Flask. Every
problem in the tree is collected (never just the first) and reported as ``file:line``.
This module walks the tree; front matter and field checking live in
:mod:`lms.courses.frontmatter`, site.yml and disciplines.yml in :mod:`lms.courses.site`,
``{{ variable }}`` substitution in :mod:`lms.courses.variables`. ``parse_front_matter`` and
``substitute`` are re-exported here for callers.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from lms.courses.frontmatter import (
    SLUG,
    SLUG_HINT,
    Fields,
    LineMap,
    parse_front_matter,
    parse_yaml,
    split_front_matter,
)
from lms.courses.markdown import Rendered, render_checked
from lms.courses.readability import grade
from lms.courses.requirements import read_requirements
from lms.courses.site import read_disciplines, read_site
from lms.courses.spec import (
    ContentError,
    ContentTree,
    CourseSpec,
    DisciplineSpec,
    ModuleSpec,
    Problem,
    SiteSpec,
    Source,
)
from lms.courses.style import Term, lint, read_terms, strip_quote_markers
from lms.courses.variables import substitute

__all__ = ["check_tree", "load_tree", "parse_front_matter", "substitute"]

MODULE_FILE = re.compile(r"(\d{2,})-(.+)\.md")
IGNORED_DIRS = frozenset({"style"})
COURSE_KEYS = ("slug", "title", "summary", "disciplines", "hours", "version", "validity_months")
MODULE_KEYS = ("title", "objectives", "minutes", "content_note", "sources")


def _digest(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


#: Module slugs that would collide with course pages (/courses/<course>/quiz, .../resume).
RESERVED_MODULE_SLUGS = frozenset({"quiz", "resume"})


class _Loader:
    """One pass over a content tree, collecting every problem on the way."""

    def __init__(self, root: Path, site_file: str = "site.yml") -> None:
        self.root = root
        self.site_file = site_file
        self.problems: list[Problem] = []
        self.variables_known = True
        self.terms: tuple[Term, ...] = ()

    def rel(self, path: Path) -> str:
        return os.path.join(str(self.root), path.relative_to(self.root).as_posix())

    def add(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def read(self, path: Path) -> str | None:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            self.add(self.rel(path), 1, f"file is not UTF-8 (bad byte at offset {exc.start})")
            return None
        except OSError as exc:
            self.add(self.rel(path), 1, f"cannot read file: {exc.strerror}")
            return None
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    def yaml_file(self, name: str, what: str) -> tuple[Any, LineMap, str] | None:
        path, rel = self.root / name, self.rel(self.root / name)
        if not path.is_file():
            self.add(rel, 1, f"missing {name} ({what})")
            return None
        text = self.read(path)
        if text is None:
            return None
        data, lines, problems = parse_yaml(text, rel, 1)
        self.problems.extend(problems)
        return None if data is None and problems else (data, lines, rel)

    def site(self) -> SiteSpec:
        loaded = self.yaml_file(self.site_file, "site variables and support resources")
        if loaded is None or not isinstance(loaded[0], dict | None):
            if loaded is not None:
                self.add(loaded[2], 1, "site.yml must have 'variables' and 'support' sections")
            self.variables_known = False
            return SiteSpec({}, ())
        data, lines, rel = loaded
        return read_site(data, lines, rel, self.problems)

    def disciplines(self) -> tuple[tuple[DisciplineSpec, ...], bool]:
        loaded = self.yaml_file("disciplines.yml", "the professions Harbor trains")
        if loaded is None:
            return (), False
        data, lines, rel = loaded
        return read_disciplines(data, lines, rel, self.problems), True

    def lint(self, rel: str, text: str | None) -> None:
        """Report the language standard's avoided terms (``content/style/terms.yml``)."""
        for line, message in lint(text or "", self.terms):
            self.add(rel, line, message)

    def style(self) -> tuple[Term, ...]:
        """Read the term list; without ``style/terms.yml`` nothing is linted."""
        if not (self.root / "style" / "terms.yml").is_file():
            return ()
        loaded = self.yaml_file("style/terms.yml", "the language standard's term list")
        if loaded is None:
            return ()
        data, lines, rel = loaded
        return read_terms(data, lines, rel, self.problems)

    def markdown(self, body: str, first: int, rel: str, site: SiteSpec, module: bool) -> Rendered:
        text, issues = substitute(strip_quote_markers(body), site.variables)
        for line, message in issues:
            if self.variables_known or not message.startswith("undefined"):
                self.add(rel, first + line - 1, message)
        rendered, found = render_checked(text)
        for issue in found:
            if module or issue.kind != "h1":
                self.add(rel, first + issue.line - 1, issue.message)
        return rendered

    def course(
        self, directory: Path, site: SiteSpec, known: set[str] | None, slugs: dict[str, str]
    ) -> CourseSpec | None:
        path, rel = directory / "course.md", self.rel(directory / "course.md")
        text = self.read(path)
        self.lint(rel, text)  # wording problems do not make the file unusable for later checks
        before = len(self.problems)
        if text is None:
            return None
        data, body, body_line, lines, problems = split_front_matter(text, rel)
        self.problems.extend(problems)
        f = Fields(data or {}, lines, rel, self.problems)
        f.quiet = data is None
        f.unknown(COURSE_KEYS)
        slug, title, summary = f.slug("slug"), f.text("title"), f.text("summary")
        disciplines = f.text_list("disciplines", required=False)
        hours, months = f.hours("hours"), f.positive_int("validity_months")
        version = f.text("version", hint=', e.g. version: "2026.1"')
        raw = f.data.get("disciplines")
        for index, item in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(item, str) or not item.strip():
                continue
            if known is not None and item.strip() not in known:
                suggestion = _suggest(item, known)
                self.add(
                    rel, lines("disciplines", index), f"unknown discipline '{item}'{suggestion}"
                )
            if disciplines.count(item.strip()) > 1 and raw.index(item) != index:
                self.add(rel, lines("disciplines", index), f"discipline '{item}' is listed twice")
        if slug in slugs:
            f.problem("slug", f"course slug '{slug}' is already used by {slugs[slug]}")
        elif slug:
            slugs[slug] = rel
        overview = self.markdown(body, body_line, rel, site, module=False)
        modules = self.modules(directory, rel, site)
        quizzes = self.quizzes(directory, {m.slug for m in modules}, site)
        if len(self.problems) > before or None in (slug, title, summary, hours, version, months):
            return None
        fields = {
            "slug": slug,
            "title": title,
            "summary": summary,
            "disciplines": list(disciplines),
            "hours": format(hours.normalize(), "f"),  # type: ignore[union-attr]
            "version": version,
            "validity_months": months,
            "overview_html": overview.html,
            "modules": [[m.position, m.slug, m.content_hash] for m in modules],
        }
        return CourseSpec(
            slug, title, summary, disciplines, hours, version, months,  # type: ignore[arg-type]
            overview.html, _digest(fields), modules, self.rel(directory), quizzes,
        )  # fmt: skip

    def quizzes(self, directory: Path, module_slugs: set[str], site: SiteSpec) -> tuple[Any, ...]:
        """Parse the course's ``quiz-<slug>.md`` files (checked with the assessments core).

        Site variables are substituted first, so questions can name the state's hotline.
        """
        from lms.assessments.content import load_quizzes

        files = []
        for path in sorted(directory.glob("quiz-*.md")):
            text = self.read(path)
            if text is None:
                continue
            rel = self.rel(path)
            self.lint(rel, text)
            text, issues = substitute(strip_quote_markers(text), site.variables)
            for line, message in issues:
                self.add(rel, line, message)
            files.append((rel, path.stem.removeprefix("quiz-"), text))
        quizzes, problems = load_quizzes(files, module_slugs)
        self.problems.extend(problems)
        return quizzes

    def modules(self, directory: Path, course_rel: str, site: SiteSpec) -> tuple[ModuleSpec, ...]:
        positions: dict[int, str] = {}
        slugs: dict[str, str] = {}
        found: list[ModuleSpec] = []
        files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix == ".md")
        for path in files:
            match = MODULE_FILE.fullmatch(path.name)
            if match is None:
                if re.match(r"\d", path.name):
                    msg = "module files are named NN-slug.md (two or more digits, '-', the slug)"
                    self.add(self.rel(path), 1, msg)
                continue
            rel, position, slug = self.rel(path), int(match[1]), match[2]
            if not SLUG.fullmatch(slug):
                self.add(rel, 1, f"module slug '{slug}' (from the file name) must be {SLUG_HINT}")
            if slug in RESERVED_MODULE_SLUGS:
                self.add(rel, 1, f"module slug '{slug}' is reserved for the course's own pages")
            if position in positions:
                self.add(rel, 1, f"position {position} is already used by {positions[position]}")
            positions.setdefault(position, path.name)
            if slug in slugs:
                self.add(rel, 1, f"module slug '{slug}' is already used by {slugs[slug]}")
            slugs.setdefault(slug, path.name)
            module = self.module(path, rel, position, slug, site)
            if module is not None:
                found.append(module)
        if not positions:
            self.add(course_rel, 1, "course has no modules: add files named NN-slug.md")
        return tuple(sorted(found, key=lambda m: m.position))

    def module(
        self, path: Path, rel: str, position: int, slug: str, site: SiteSpec
    ) -> ModuleSpec | None:
        text = self.read(path)
        self.lint(rel, text)  # wording problems do not make the file unusable for later checks
        before = len(self.problems)
        if text is None:
            return None
        data, body, body_line, lines, problems = split_front_matter(text, rel)
        self.problems.extend(problems)
        f = Fields(data or {}, lines, rel, self.problems)
        f.quiet = data is None
        f.unknown(MODULE_KEYS)
        title, minutes = f.text("title"), f.positive_int("minutes")
        objectives = f.text_list("objectives", required=True)
        note = f.text("content_note", required=False)
        if note is not None:
            note, issues = substitute(note, site.variables)
            for _line, message in issues:
                if self.variables_known or not message.startswith("undefined"):
                    f.problem("content_note", message)
        sources = []
        for item in f.items("sources", False, "sources"):
            item.unknown(("title", "url"))
            source_title, url = item.text("title"), item.url("url", True)
            if source_title and url:
                sources.append(Source(strip_quote_markers(source_title), url))
        if data is not None and not body.strip():
            self.add(rel, max(body_line - 1, 1), "module has no content after the front matter")
        rendered = self.markdown(body, body_line, rel, site, module=True)
        if len(self.problems) > before or title is None or minutes is None:
            return None
        shown = {
            "title": title,
            "objectives": list(objectives),
            "minutes": minutes,
            "content_note": note,
            "sources": [[s.title, s.url] for s in sources],
            "html": rendered.html,
        }
        return ModuleSpec(
            slug, position, title, objectives, minutes, note, tuple(sources), rendered.html,
            rendered.toc, rendered.words, _digest(shown), rel, grade(rendered.html),
        )  # fmt: skip

    def tree(self) -> ContentTree | None:
        if not self.root.is_dir():
            self.add(str(self.root), 1, "content directory not found")
            return None
        site = self.site()
        self.terms = self.style()
        disciplines, disciplines_ok = self.disciplines()
        known = {d.slug for d in disciplines} if disciplines_ok else None
        slugs: dict[str, str] = {}
        courses = []
        for directory in sorted(self.root.iterdir()):
            if not directory.is_dir() or directory.name.startswith("."):
                continue
            if directory.name in IGNORED_DIRS:
                continue
            if (directory / "course.md").is_file():
                course = self.course(directory, site, known, slugs)
                if course is not None:
                    courses.append(course)
            elif any(MODULE_FILE.fullmatch(p.name) for p in directory.iterdir()):
                msg = "missing course.md: this directory has module files but no course.md"
                self.add(self.rel(directory / "course.md"), 1, msg)
        requirements = self.requirements(site, known, set(slugs), courses)
        if self.problems:
            return None
        courses.sort(key=lambda c: c.slug)
        everything = {
            "variables": dict(site.variables),
            "support": [[s.name, s.contact, s.description, s.url] for s in site.support],
            "disciplines": [[d.slug, d.name, d.description] for d in disciplines],
            "courses": [[c.slug, c.content_hash] for c in courses],
        }
        everything["requirements"] = [repr(r) for r in requirements]
        return ContentTree(site, disciplines, tuple(courses), _digest(everything), requirements)

    def requirements(
        self, site: SiteSpec, known: set[str] | None, slugs: set[str], courses: list[CourseSpec]
    ) -> tuple[Any, ...]:
        """Read ``requirements.yml`` (optional) and check that courses agree with it."""
        if not (self.root / "requirements.yml").is_file():
            return ()
        loaded = self.yaml_file("requirements.yml", "statutory training requirements")
        if loaded is None:
            return ()
        data, lines, rel = loaded
        found = read_requirements(
            data,
            lines,
            rel,
            self.problems,
            courses=slugs,
            disciplines=known,
            variables=site.variables,
        )
        for course in courses:
            wanted = {d for r in found if course.slug in r.courses for d in r.disciplines}
            if found and set(course.disciplines) != wanted:
                self.add(
                    os.path.join(course.path, "course.md"),
                    1,
                    f"disciplines {sorted(course.disciplines)} differ from those "
                    f"requirements.yml requires this course for: {sorted(wanted)}",
                )
        return found


def check_tree(root: Path, site_file: str = "site.yml") -> list[Problem]:
    """Return every problem in the content tree at ``root``, sorted; [] when it is valid.

    ``site_file`` (relative to ``root``) chooses the site variables: a state's own file.
    """
    loader = _Loader(Path(root), site_file)
    loader.tree()
    return sorted(set(loader.problems))


def load_tree(root: Path, site_file: str = "site.yml") -> ContentTree:
    """Load the content tree at ``root``; raise ContentError listing every problem."""
    loader = _Loader(Path(root), site_file)
    tree = loader.tree()
    if tree is None or loader.problems:
        raise ContentError(set(loader.problems))
    return tree
