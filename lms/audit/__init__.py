"""Append-only, hash-chained audit trail of consequential actions."""
