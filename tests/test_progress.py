"""Progress says something on every output: a bar on a terminal, lines with the rate and time left elsewhere."""

from __future__ import annotations

import io
import time

from rich.console import Console

from faqsante.progress import LineProgress, progress_display, status_line


def test_a_terminal_gets_a_bar_and_a_log_gets_lines():
    assert not isinstance(progress_display(Console(file=io.StringIO(), force_terminal=True)), LineProgress)
    assert isinstance(progress_display(Console(file=io.StringIO())), LineProgress)


def test_a_line_tells_the_count_the_rate_and_the_time_left():
    clock = [0.0]
    progress = progress_display(Console(file=io.StringIO()))
    progress.get_time = lambda: clock[0]
    task = progress.add_task("Étiquetage des filtres", total=5000)
    for second in range(1, 13):
        clock[0] = float(second)
        progress.advance(task, 100)
    line = status_line(progress.tasks[0])
    assert line == "Étiquetage des filtres : 1200/5000 (24 %), 100,0 par seconde, environ 38 s restantes"
    clock[0] = 24.0  # twelve seconds without progress: the next line says so
    line = status_line(progress.tasks[0])
    assert line == "Étiquetage des filtres : 1200/5000 (24 %), 50,0 par seconde, environ 1 min 16 s restantes"


def test_lines_come_every_few_seconds_while_the_work_runs_and_the_totals_at_the_end():
    output = io.StringIO()
    progress = progress_display(Console(file=output, width=200))
    assert isinstance(progress, LineProgress)
    progress.every_s = 0.05
    with progress:
        task = progress.add_task("Lecture des fichiers", total=10)
        progress.advance(task, 3)
        time.sleep(0.3)
        before_the_end = output.getvalue()
        progress.advance(task, 7)
    assert "Lecture des fichiers : 3/10 (30 %)" in before_the_end
    assert "10/10" in output.getvalue().splitlines()[-1]
