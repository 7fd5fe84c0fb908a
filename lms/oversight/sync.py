"""Loading requirements from a validated content tree (part of ``lms content sync``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit import services as audit
from lms.courses.requirements import RequirementSpec
from lms.oversight.models import Requirement


def _fields(spec: RequirementSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "citation": spec.citation,
        "disciplines": list(spec.disciplines),
        "agency_types": list(spec.agency_types),
        "courses": list(spec.courses),
        "initial_deadline_days": spec.initial_deadline_days,
        "effective_date": spec.effective_date,
        "existing_staff_deadline_days": spec.existing_staff_deadline_days,
        "renewal_months": spec.renewal_months,
    }


def _hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def sync_requirements(
    db: Session, specs: Sequence[RequirementSpec], now: datetime
) -> tuple[list[str], list[str], list[str]]:
    """Create, update (new version) or retire requirements; return created/updated/retired.

    Every change is audited with what changed, since a requirement change alters who is
    compliant across the state.
    """
    existing = {r.key: r for r in db.scalars(select(Requirement))}
    created, updated, retired = [], [], []
    for spec in specs:
        fields = _fields(spec)
        digest = _hash(fields)
        row = existing.get(spec.id)
        if row is None:
            row = Requirement(key=spec.id, content_hash=digest, synced_at=now, **fields)
            db.add(row)
            created.append(f"requirement:{spec.id}")
            _audit(db, "requirement.create", spec.id, {"version": 1, **fields}, now)
        elif row.content_hash != digest or not row.active:
            before = {k: getattr(row, k) for k in fields}
            changed = {k: {"from": before[k], "to": v} for k, v in fields.items() if before[k] != v}
            for key, value in fields.items():
                setattr(row, key, value)
            row.content_hash, row.synced_at, row.active = digest, now, True
            row.version += 1
            updated.append(f"requirement:{spec.id}")
            _audit(db, "requirement.change", spec.id, {"version": row.version, **changed}, now)
    keys = {s.id for s in specs}
    for key, row in existing.items():
        if row.active and key not in keys:
            row.active = False
            row.synced_at = now
            retired.append(f"requirement:{key}")
            _audit(db, "requirement.retire", key, {"version": row.version}, now)
    db.flush()
    return created, updated, retired


def _audit(db: Session, action: str, key: str, data: dict[str, Any], now: datetime) -> None:
    audit.record(db, action, f"requirement:{key}", data, now)
