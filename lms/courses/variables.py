"""Site variables: the ``variables`` section of site.yml and ``{{ name }}`` substitution.

Pure: no clock, no database, no Flask, no file access.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from lms.courses.frontmatter import LineMap
from lms.courses.spec import Problem

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE = re.compile(r"\\\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{\{")


def read_variables(
    raw: Mapping[Any, Any], lines: LineMap, path: str
) -> tuple[dict[str, str], list[Problem]]:
    """Read site.yml's ``variables`` mapping; report names and values that are unusable."""
    variables: dict[str, str] = {}
    problems: list[Problem] = []
    for name, value in raw.items():
        line = lines("variables", str(name))
        if not isinstance(name, str) or not VARIABLE_NAME.fullmatch(name):
            problems.append(
                Problem(path, line, f"variable name '{name}' must be letters, digits and _")
            )
        elif not isinstance(value, str) or "\n" in value:
            problems.append(
                Problem(path, line, f"variable '{name}' must be one line of text in quotes")
            )
        variables[str(name)] = str(value)
    return variables, problems


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
