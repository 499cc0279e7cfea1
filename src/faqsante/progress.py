"""Progress of long commands on any output: a bar in a terminal, a line every few seconds in a log or a pipe.

A bar cannot redraw in a file, so rich shows it only once, at the end: an import whose output is logged
would say nothing for minutes (issue #20). Both forms give the rate and the time left:

    terminal:  Étiquetage des filtres ━━━━━━━━━━━━╸━━━━━━━━━━━━━━  1200/5000  8,3/s  0:07:38
    log:       Étiquetage des filtres : 1200/5000 (24 %), 8,3 par seconde, environ 7 min 38 s restantes
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

LINE_EVERY_S = 5.0


def progress_display(console: Console) -> Progress:
    """A bar when ``console`` is a terminal, else lines every ``LINE_EVERY_S`` seconds (and the totals at the end)."""
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
    )
    if console.is_terminal:
        return Progress(*columns, console=console, transient=False)
    return LineProgress(*columns, console=console, transient=False)


def per_second(task: Task) -> float | None:
    return task.finished_speed or task.speed


class RateColumn(ProgressColumn):
    """Items per second over the last seconds (rich's own estimate); empty until it has one."""

    def render(self, task: Task) -> Text:
        speed = per_second(task)
        return Text(f"{_decimal(speed)}/s" if speed else "", style="progress.data.speed")


class LineProgress(Progress):
    """For an output that is not a terminal: a thread prints one line per running task every few seconds."""

    every_s = LINE_EVERY_S

    def start(self) -> None:
        super().start()
        self._stopped = threading.Event()
        self._lines = threading.Thread(target=self._print_lines, daemon=True)
        self._lines.start()

    def stop(self) -> None:
        self._stopped.set()
        self._lines.join()
        super().stop()

    def _print_lines(self) -> None:
        while not self._stopped.wait(self.every_s):
            for task in self.tasks:
                if task.total and not task.finished:
                    self.console.print(status_line(task), soft_wrap=True)


def status_line(task: Task) -> str:
    """# "Index de recherche : 120/800 (15 %), 41,0 par seconde, environ 17 s restantes"

    The rate is the average since the task started: a line printed while nothing moves shows it falling and
    the time left growing, where a recent-window estimate would repeat itself unchanged.
    """
    total = task.total or 0
    line = f"{task.description} : {int(task.completed)}/{int(total)} ({task.percentage:.0f} %)"
    elapsed = task.elapsed or 0.0
    if task.completed and elapsed > 0:
        speed = task.completed / elapsed
        line += f", {_decimal(speed)} par seconde, environ {_duration((total - task.completed) / speed)} restantes"
    return line


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _duration(seconds: float) -> str:
    """# 458.2 -> "7 min 38 s";  12 -> "12 s";  4000 -> "1 h 06 min" """
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"
