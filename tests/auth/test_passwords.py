"""Password hashing parameters and policy."""

import pytest
from argon2 import extract_parameters

from lms.auth.passwords import Hasher, password_problems
from lms.config import DEFAULTS


def test_default_parameters_meet_asvs_5_appendix_c():
    """argon2id: t=1 needs m >= 46 MiB, t=2 m >= 19 MiB, t>=3 m >= 12 MiB."""
    t, m = DEFAULTS["ARGON2_TIME_COST"], DEFAULTS["ARGON2_MEMORY_KIB"]
    minimum_kib = {1: 46 * 1024, 2: 19 * 1024}.get(t, 12 * 1024)
    assert m >= minimum_kib
    stored = Hasher(t, m, DEFAULTS["ARGON2_PARALLELISM"]).hash("a long enough passphrase")
    assert stored.startswith("$argon2id$")
    params = extract_parameters(stored)
    assert (params.time_cost, params.memory_cost) == (t, m)


def test_verify_and_rehash():
    weak, strong = Hasher(1, 1024, 1), Hasher(2, 2048, 1)
    stored = weak.hash("river stone lantern")
    assert weak.verify(stored, "river stone lantern")
    assert not weak.verify(stored, "river stone lanterns")
    assert not weak.verify("not-a-hash", "river stone lantern")
    assert strong.verify(stored, "river stone lantern")  # parameters live in the hash
    assert strong.needs_rehash(stored) and not weak.needs_rehash(stored)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 12"),
        ("x" * 129, "at most 128"),
        ("qwerty123456", "most common"),
        ("QWERTY123456", "most common"),
        ("jordan.rivera-2026", "name or email"),
        ("correct horse battery staple", None),
        ("ǅemal čokolada 🍫 tuesday", None),  # any characters; no composition rules
        ("a" * 128, None),
    ],
)
def test_policy(password, problem):
    problems = password_problems(password, email="jordan.rivera@example.org", name="Jordan")
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems
