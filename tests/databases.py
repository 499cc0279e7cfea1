"""Test databases copied from a template file: seeding once, then every test or module writes to its own copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def copy_sqlite(source: Path, target: Path) -> str:
    """A consistent copy (WAL included) through SQLite's backup API; returns its URL."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"
