"""The modules that read each other across packages import on their own, first, in a fresh interpreter: no import
cycle hides behind a lucky order (catalog -> content.titles -> search -> engine -> content.titles was one)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CROSSING = ["faqsante.answers.catalog", "faqsante.store.questions", "faqsante.ingest.question_history"]


@pytest.mark.parametrize("name", CROSSING)
def test_the_module_imports_first(name: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
