"""Load and validate the markdown content tree into immutable specs.

Pure apart from reading files under the given root: no clock, no database, no Flask. Every
problem in the tree is collected (never just the first) and reported as ``file:line``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from lms.courses.markdown import Rendered, render_checked
from lms.courses.spec import (
    ContentError,
    ContentTree,
    CourseSpec,
    DisciplineSpec,
    ModuleSpec,
    Problem,
    SiteSpec,
    Source,
    SupportResource,
)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MODULE_FILE = re.compile(r"(\d{2,})-(.+)\.md")
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
IGNORED_DIRS = frozenset({"style"})
COURSE_KEYS = ("slug", "title", "summary", "disciplines", "hours", "version", "validity_months")
MODULE_KEYS = ("title", "objectives", "minutes", "content_note", "sources")
_VARIABLE = re.compile(r"\\\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{\{")
_SLUG_HINT = "lowercase letters, digits and single hyphens, e.g. 'first-contact'"


class _Lines:
    """Map a path of keys and indexes inside a YAML document to a 1-based file line."""

    def __init__(self, default: int) -> None:
        self.default = default
        self.lines: dict[tuple[Any, ...], int] = {}

    def __call__(self, *keys: Any) -> int:
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.default


def _walk(
    node: yaml.Node, prefix: tuple[Any, ...], offset: int, lines: _Lines, dupes: list
) -> None:
    seen: set[int] = set()
    stack = [(node, prefix)]
    while stack:  # iterative, and each node once: aliases must not blow up
        node, prefix = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                line = key_node.start_mark.line + offset
                if key_node.value in keys:
                    dupes.append((line, key_node.value))
                keys.add(key_node.value)
                lines.lines.setdefault((*prefix, key_node.value), line)
                stack.append((value_node, (*prefix, key_node.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines.lines.setdefault((*prefix, index), item.start_mark.line + offset)
                stack.append((item, (*prefix, index)))


def _parse_yaml(text: str, path: str, first_line: int) -> tuple[Any, _Lines, list[Problem]]:
    """Parse YAML whose first line is file line ``first_line``; never raises."""
    lines = _Lines(max(first_line - 1, 1))
    dupes: list[tuple[int, str]] = []
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, lines, []
            _walk(node, (), first_line, lines, dupes)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else lines.default
        detail = exc.problem or exc.context or "unreadable"
        return None, lines, [Problem(path, line, f"invalid YAML: {detail}")]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        return None, lines, [Problem(path, line, f"invalid YAML: {exc.reason}")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, lines, [Problem(path, lines.default, f"invalid YAML: {exc}")]
    problems = [Problem(path, line, f"duplicate key '{key}'") for line, key in dupes]
    return data, lines, problems


def _front_matter(text: str, path: str) -> tuple[dict | None, str, int, _Lines, list[Problem]]:
    """Like parse_front_matter, but data is None when the front matter is unusable."""
    rows = text.split("\n")
    if rows[0].rstrip() != "---":
        msg = "missing front matter: start the file with a '---' line"
        return None, text, 1, _Lines(1), [Problem(path, 1, msg)]
    end = next((i for i in range(1, len(rows)) if rows[i].rstrip() == "---"), None)
    if end is None:
        msg = "front matter is not closed: add a '---' line after it"
        return None, "", len(rows) + 1, _Lines(1), [Problem(path, 1, msg)]
    data, lines, problems = _parse_yaml("\n".join(rows[1:end]), path, 2)
    body = "\n".join(rows[end + 1 :])
    if data is None:
        data = None if problems else {}
    elif not isinstance(data, dict):
        msg = "front matter must be 'key: value' lines"
        return None, body, end + 2, lines, [*problems, Problem(path, 2, msg)]
    return data, body, end + 2, lines, problems


def parse_front_matter(text: str, path: str) -> tuple[dict, str, int, list[Problem]]:
    """Split ``---`` YAML front matter from a markdown body; report problems, never raise."""
    data, body, body_line, _lines, problems = _front_matter(text, path)
    return ({} if data is None else data), body, body_line, problems


def substitute(text: str, variables: Mapping[str, str]) -> tuple[str, list[tuple[int, str]]]:
    """Replace ``{{ name }}`` with site variables; return the text and ``(line, message)``."""
    if "{{" not in text:
        return text, []
    issues: list[tuple[int, str]] = []

    def replace(match: re.Match[str]) -> str:
        line = text.count("\n", 0, match.start()) + 1
        name = match.group(1)
        if match.group(0) == "\\{{":
            return "{{"
        if name is None:
            msg = (
                "'{{' must start a variable such as {{ state_name }}; write \\{{ for literal braces"
            )
            issues.append((line, msg))
        elif name in variables:
            return variables[name]
        else:
            close = difflib.get_close_matches(name, list(variables), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            issues.append((line, f"undefined variable '{name}'{hint}"))
        return match.group(0)

    return _VARIABLE.sub(replace, text), issues


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_url(value: str) -> bool:
    parts = urlsplit(value) if not re.search(r"\s", value) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


class _Fields:
    """Typed access to one YAML mapping; every bad value becomes a problem."""

    def __init__(
        self,
        data: Mapping[Any, Any],
        lines: _Lines,
        path: str,
        problems: list[Problem],
        prefix: tuple[Any, ...] = (),
        name: str = "",
    ) -> None:
        self.data, self.lines, self.path, self.problems = data, lines, path, problems
        self.prefix, self.name = prefix, name
        self.ok = True
        self.quiet = False  # set when the mapping could not be read: no "missing key" noise

    def label(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def problem(self, key: Any, message: str) -> None:
        key_path = (*self.prefix, str(key)) if key is not None else self.prefix
        self.problems.append(Problem(self.path, self.lines(*key_path), message))
        self.ok = False

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(key, f"unknown key '{self.label(str(key))}'")

    def get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required and not self.quiet:
            if key in self.data:
                self.problem(key, f"'{self.label(key)}' has no value")
            else:
                self.problem(None, f"missing required key '{self.label(key)}'")
        return value

    def text(self, key: str, required: bool = True, hint: str = "") -> str | None:
        value = self.get(key, required)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            quote = "; put it in quotes" if isinstance(value, int | float) else ""
            self.problem(key, f"'{self.label(key)}' must be non-empty text{quote}{hint}")
            return None
        return value.strip() if value is not None else None

    def slug(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not SLUG.fullmatch(value):
            self.problem(key, f"'{self.label(key)}' must be {_SLUG_HINT}")
            return None
        return value

    def url(self, key: str, required: bool) -> str | None:
        value = self.text(key, required)
        if value is not None and not _is_url(value):
            self.problem(key, f"'{self.label(key)}' must be an http:// or https:// URL")
            return None
        return value

    def positive_int(self, key: str) -> int | None:
        value = self.get(key, True)
        if value is not None and not (_is_int(value) and value > 0):
            self.problem(key, f"'{self.label(key)}' must be a whole number greater than 0")
            return None
        return value

    def hours(self, key: str) -> Decimal | None:
        value = self.get(key, True)
        if value is None:
            return None
        if (
            not (_is_int(value) or isinstance(value, float))
            or not math.isfinite(value)
            or value <= 0
        ):
            self.problem(key, f"'{self.label(key)}' must be a number greater than 0, e.g. 2.5")
            return None
        return Decimal(str(value))

    def text_list(self, key: str, required: bool) -> tuple[str, ...]:
        value = self.get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.problem(key, f"'{self.label(key)}' must be a list of one or more items")
            return ()
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                msg = f"'{self.label(key)}[{index}]' must be non-empty text"
                self.problems.append(Problem(self.path, self.lines(*self.prefix, key, index), msg))
                self.ok = False
            else:
                items.append(item.strip())
        return tuple(items)

    def items(self, key: str, required: bool, what: str) -> list[_Fields]:
        value = self.get(key, required)
        return self.each(value, (*self.prefix, key), self.label(key), what, key)

    def each(
        self, value: Any, base: tuple[Any, ...], name: str, what: str, key: str | None = None
    ) -> list[_Fields]:
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.problem(key, f"'{name}' must be a list of one or more {what}")
            return []
        found = []
        for index, item in enumerate(value):
            child = _Fields(item, self.lines, self.path, self.problems, (*base, index))
            child.name = f"{name}[{index}]"
            if isinstance(item, dict):
                found.append(child)
            else:
                child.problem(None, f"'{child.name}' must be a set of 'key: value' lines")
                self.ok = False
        return found


def _digest(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Loader:
    """One pass over a content tree, collecting every problem on the way."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.variables_known = True

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

    def yaml_file(self, name: str, what: str) -> tuple[Any, _Lines, str] | None:
        path, rel = self.root / name, self.rel(self.root / name)
        if not path.is_file():
            self.add(rel, 1, f"missing {name} ({what})")
            return None
        text = self.read(path)
        if text is None:
            return None
        data, lines, problems = _parse_yaml(text, rel, 1)
        self.problems.extend(problems)
        return None if data is None and problems else (data, lines, rel)

    def site(self) -> SiteSpec:
        loaded = self.yaml_file("site.yml", "site variables and support resources")
        if loaded is None or not isinstance(loaded[0], dict | None):
            if loaded is not None:
                self.add(loaded[2], 1, "site.yml must have 'variables' and 'support' sections")
            self.variables_known = False
            return SiteSpec({}, ())
        data, lines, rel = loaded
        fields = _Fields(data or {}, lines, rel, self.problems)
        fields.unknown(("variables", "support"))
        variables: dict[str, str] = {}
        raw = fields.get("variables", False)
        if raw is not None and not isinstance(raw, dict):
            fields.problem("variables", "'variables' must be 'name: value' lines")
        for name, value in (raw if isinstance(raw, dict) else {}).items():
            line = lines("variables", str(name))
            if not isinstance(name, str) or not VARIABLE_NAME.fullmatch(name):
                self.add(rel, line, f"variable name '{name}' must be letters, digits and _")
            elif not isinstance(value, str) or "\n" in value:
                self.add(rel, line, f"variable '{name}' must be one line of text in quotes")
            variables[str(name)] = str(value)
        support = []
        for item in fields.items("support", True, "support resources"):
            item.unknown(("name", "contact", "description", "url"))
            name, contact = item.text("name"), item.text("contact")
            description = item.text("description", required=False) or ""
            url = item.url("url", required=False)
            if name and contact:
                support.append(SupportResource(name, contact, description, url))
        return SiteSpec(variables, tuple(support))

    def disciplines(self) -> tuple[tuple[DisciplineSpec, ...], bool]:
        loaded = self.yaml_file("disciplines.yml", "the professions Harbor trains")
        if loaded is None:
            return (), False
        data, lines, rel = loaded
        root = _Fields({}, lines, rel, self.problems)
        specs, seen = [], {}
        for item in root.each([] if data is None else data, (), "disciplines", "disciplines"):
            item.unknown(("slug", "name", "description"))
            slug, name = item.slug("slug"), item.text("name")
            description = item.text("description", required=False) or ""
            if slug in seen:
                item.problem("slug", f"discipline '{slug}' is listed twice (line {seen[slug]})")
            elif slug and name:
                seen[slug] = lines(*item.prefix, "slug")
                specs.append(DisciplineSpec(slug, name, description))
        return tuple(specs), True

    def markdown(self, body: str, first: int, rel: str, site: SiteSpec, module: bool) -> Rendered:
        text, issues = substitute(body, site.variables)
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
        before = len(self.problems)
        text = self.read(path)
        if text is None:
            return None
        data, body, body_line, lines, problems = _front_matter(text, rel)
        self.problems.extend(problems)
        f = _Fields(data or {}, lines, rel, self.problems)
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
            overview.html, _digest(fields), modules, self.rel(directory),
        )  # fmt: skip

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
                self.add(rel, 1, f"module slug '{slug}' (from the file name) must be {_SLUG_HINT}")
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
        before = len(self.problems)
        text = self.read(path)
        if text is None:
            return None
        data, body, body_line, lines, problems = _front_matter(text, rel)
        self.problems.extend(problems)
        f = _Fields(data or {}, lines, rel, self.problems)
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
                sources.append(Source(source_title, url))
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
            rendered.toc, rendered.words, _digest(shown), rel,
        )  # fmt: skip

    def tree(self) -> ContentTree | None:
        if not self.root.is_dir():
            self.add(str(self.root), 1, "content directory not found")
            return None
        site = self.site()
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
        if self.problems:
            return None
        courses.sort(key=lambda c: c.slug)
        everything = {
            "variables": dict(site.variables),
            "support": [[s.name, s.contact, s.description, s.url] for s in site.support],
            "disciplines": [[d.slug, d.name, d.description] for d in disciplines],
            "courses": [[c.slug, c.content_hash] for c in courses],
        }
        return ContentTree(site, disciplines, tuple(courses), _digest(everything))


def check_tree(root: Path) -> list[Problem]:
    """Return every problem in the content tree at ``root``, sorted; [] when it is valid."""
    loader = _Loader(Path(root))
    loader.tree()
    return sorted(set(loader.problems))


def load_tree(root: Path) -> ContentTree:
    """Load the content tree at ``root``; raise ContentError listing every problem."""
    loader = _Loader(Path(root))
    tree = loader.tree()
    if tree is None or loader.problems:
        raise ContentError(set(loader.problems))
    return tree
