"""Password hashing (argon2id) and the password policy (ASVS 5.0 V6)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
#: ASVS 6.2.9 asks that at least 64 characters be allowed.
MAX_LENGTH = 128
#: ASVS 6.2.4 asks for a check against at least the 3,000 most common passwords.
COMMON_PASSWORDS_CHECKED = 10_000


@dataclass(frozen=True)
class Hasher:
    """argon2id with explicit parameters (documented in the README's security section)."""

    time_cost: int
    memory_kib: int
    parallelism: int

    @property
    def _impl(self) -> PasswordHasher:
        return _hasher(self.time_cost, self.memory_kib, self.parallelism)

    def hash(self, password: str) -> str:
        """Hash ``password`` with a fresh salt."""
        return self._impl.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """Return whether ``password`` matches ``stored`` (False for a corrupt hash)."""
        try:
            return self._impl.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Return whether ``stored`` was made with other parameters than these."""
        try:
            return self._impl.check_needs_rehash(stored)
        except InvalidHashError:
            return True


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED])


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """List what is wrong with a proposed password; no composition rules (ASVS 6.2.5)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            f"Use at least {MIN_LENGTH} characters. A few unrelated words make a strong password."
        )
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in _common_passwords():
        problems.append("This password is one of the most common; choose another.")
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and name.lower() == lowered):
        problems.append("Do not use your name or email address in your password.")
    return problems
