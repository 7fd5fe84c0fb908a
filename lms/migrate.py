"""Alembic, driven from the app's configuration (``lms db upgrade`` / ``flask db upgrade``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

from lms.extensions import db

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(app: Flask) -> Config:
    """Return an Alembic config whose scripts are in ``lms/migrations``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = db.engine_for(app)
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    """Revert migrations down to ``revision``."""
    command.downgrade(alembic_config(app), revision)


def revision(app: Flask, message: str) -> None:
    """Autogenerate a new migration from the difference between models and database."""
    command.revision(alembic_config(app), message=message, autogenerate=True)


def current(app: Flask) -> None:
    """Print the database's current revision."""
    command.current(alembic_config(app), verbose=False)
