"""Importing sources: parse every file, merge into the database, re-tag, in one transaction.

The command line (``faqsante ingest``) calls this, so that an import, like an editor's change, leaves
every entry tagged with its filters and bumps ``data_version`` once:
# import_sources(db, settings, [Path("data/sample")]).ingest.added  -> 334 on an empty database
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from faqsante.config import Settings
from faqsante.facets.entry_tags import RetagReport, retag_in
from faqsante.ingest.merge import IngestReport, apply_sources, collect_files, parse_all
from faqsante.store import Database
from faqsante.store.db import bump_data_version


@dataclass(frozen=True)
class ImportReport:
    ingest: IngestReport
    tags: RetagReport


def import_sources(
    db: Database,
    settings: Settings,
    paths: Iterable[Path],
    *,
    format: str | None = None,
    progress: Callable[[Path], None] | None = None,
    tag_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse every file first (nothing is written if one fails), then merge and re-tag every published
    entry in one transaction: the tagger's semantic clues are standardised over the whole corpus, so an
    import that adds entries can change the tags of the others."""
    sources = parse_all(collect_files(paths), format, progress, max_mb=settings.ingest_max_mb)
    with db.session() as session:
        ingest = apply_sources(session, sources)
        tags = retag_in(session, settings, progress=tag_progress)
        if ingest.changed or tags.changed:
            bump_data_version(session)
    return ImportReport(ingest, tags)
