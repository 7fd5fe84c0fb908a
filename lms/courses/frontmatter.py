"""Front matter: YAML with file line numbers, and typed checking of its fields.

Pure: no clock, no database, no Flask, no file access. Nothing here raises on bad input;
every problem becomes a :class:`Problem` pointing at the ``file:line`` an author should fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import yaml

from lms.courses.spec import Problem

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_HINT = "lowercase letters, digits and single hyphens, e.g. 'first-contact'"


class LineMap:
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
    node: yaml.Node, prefix: tuple[Any, ...], offset: int, lines: LineMap, dupes: list
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


def parse_yaml(text: str, path: str, first_line: int) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML whose first line is file line ``first_line``; never raises."""
    lines = LineMap(max(first_line - 1, 1))
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


def split_front_matter(
    text: str, path: str
) -> tuple[dict | None, str, int, LineMap, list[Problem]]:
    """Like parse_front_matter, but data is None when the front matter is unusable."""
    rows = text.split("\n")
    if rows[0].rstrip() != "---":
        msg = "missing front matter: start the file with a '---' line"
        return None, text, 1, LineMap(1), [Problem(path, 1, msg)]
    end = next((i for i in range(1, len(rows)) if rows[i].rstrip() == "---"), None)
    if end is None:
        msg = "front matter is not closed: add a '---' line after it"
        return None, "", len(rows) + 1, LineMap(1), [Problem(path, 1, msg)]
    data, lines, problems = parse_yaml("\n".join(rows[1:end]), path, 2)
    body = "\n".join(rows[end + 1 :])
    if data is None:
        data = None if problems else {}
    elif not isinstance(data, dict):
        msg = "front matter must be 'key: value' lines"
        return None, body, end + 2, lines, [*problems, Problem(path, 2, msg)]
    return data, body, end + 2, lines, problems


def parse_front_matter(text: str, path: str) -> tuple[dict, str, int, list[Problem]]:
    """Split ``---`` YAML front matter from a markdown body; report problems, never raise."""
    data, body, body_line, _lines, problems = split_front_matter(text, path)
    return ({} if data is None else data), body, body_line, problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_url(value: str) -> bool:
    parts = urlsplit(value) if not re.search(r"\s", value) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


class Fields:
    """Typed access to one YAML mapping; every bad value becomes a problem."""

    def __init__(
        self,
        data: Mapping[Any, Any],
        lines: LineMap,
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
            self.problem(key, f"'{self.label(key)}' must be {SLUG_HINT}")
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

    def items(self, key: str, required: bool, what: str) -> list[Fields]:
        value = self.get(key, required)
        return self.each(value, (*self.prefix, key), self.label(key), what, key)

    def each(
        self, value: Any, base: tuple[Any, ...], name: str, what: str, key: str | None = None
    ) -> list[Fields]:
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.problem(key, f"'{name}' must be a list of one or more {what}")
            return []
        found = []
        for index, item in enumerate(value):
            child = Fields(item, self.lines, self.path, self.problems, (*base, index))
            child.name = f"{name}[{index}]"
            if isinstance(item, dict):
                found.append(child)
            else:
                child.problem(None, f"'{child.name}' must be a set of 'key: value' lines")
                self.ok = False
        return found
