"""The layering of docs/architecture.md, checked on every import of src/faqsante (parsed with ``ast``).

A package may import its own layer and the layers below it, never one above: storage never reads search,
search never reads the web. A deferred import (inside a function) counts like any other: it is the same arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "faqsante"

# Lowest first; the units of one layer may import each other. Keep in step with docs/architecture.md.
LAYERS: list[set[str]] = [
    {"errors", "config", "text", "analysis", "urls", "progress", "csv_cells"},
    {"store"},
    {"mail", "accounts", "two_factor"},
    {"ingest", "search", "facets", "content", "health"},
    {"feedback"},
    {"answers", "editing"},
    {"service"},
    {"web", "cli"},
    {"faqsante"},  # the package's __init__: the curated public surface
]

# Arrows that break the order, each with why it is still there (none today); the test fails when one disappears too,
# so that this list only shrinks. (importing module, imported unit)
KNOWN: dict[tuple[str, str], str] = {}


def _unit(module: str) -> str | None:
    """# "faqsante.search.engine" -> "search" ; "faqsante" -> "faqsante" ; "numpy" -> None"""
    parts = module.split(".")
    if parts[0] != "faqsante":
        return None
    return parts[1] if len(parts) > 1 else "faqsante"


def _layer(unit: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if unit in layer)


def _arrows() -> set[tuple[str, str]]:
    """Every (importing module, imported unit) that goes up the layers."""
    upward = set()
    for path in SRC.rglob("*.py"):
        module = ".".join(("faqsante", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        source = _unit(module) or "faqsante"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "faqsante":  # from faqsante import editing
                targets = [f"faqsante.{alias.name}" for alias in node.names if alias.name != "__version__"]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                unit = _unit(target)
                if unit is not None and _layer(unit) > _layer(source):
                    upward.add((module, unit))
    return upward


def test_every_unit_has_a_layer() -> None:
    units = {path.stem for path in SRC.glob("*.py")} | {path.parent.name for path in SRC.glob("*/__init__.py")}
    unplaced = units - {"__init__"} - set().union(*LAYERS)
    assert not unplaced, f"place these in LAYERS and docs/architecture.md: {sorted(unplaced)}"


def test_no_import_runs_up_the_layers() -> None:
    new = _arrows() - set(KNOWN)
    assert not new, f"imports that break the layering (docs/architecture.md): {sorted(new)}"


def test_the_known_exceptions_are_still_real() -> None:
    gone = set(KNOWN) - _arrows()
    assert not gone, f"fixed, so remove from KNOWN: {sorted(gone)}"
