"""Flesch–Kincaid grade level of rendered module text (pure).

Grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59. Syllables are
counted with the usual English heuristic (vowel groups, a silent final "e", at least one per
word), which is within about one syllable per word of a dictionary count; good enough to
flag a module that reads well above grade 12.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|</(?:p|li|h[1-6]|td|th|dd|dt)>", re.I)
_VOWELS = re.compile(r"[aeiouy]+")


def plain_text(fragment: str) -> str:
    """Return the text of an HTML fragment, block ends marked as sentence breaks."""
    marked = _SENTENCE_END.sub(". ", fragment)
    return html.unescape(_TAG.sub(" ", marked))


def syllables(word: str) -> int:
    """Estimate the syllables of an English word."""
    word = word.lower().strip("'’-")
    if len(word) <= 3:
        return 1
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        word = word[:-1]
    count = len(_VOWELS.findall(word))
    if word.endswith("ed") and not word.endswith(("ted", "ded")):
        count -= 1
    return max(1, count)


def grade(fragment: str) -> float | None:
    """Return the Flesch–Kincaid grade of an HTML fragment, or None if it has no words."""
    text = plain_text(fragment)
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len([s for s in re.split(r"[.!?]+", text) if _WORD.search(s)]))
    total = sum(syllables(w) for w in words)
    return round(0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59, 1)
