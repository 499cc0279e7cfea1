"""Ingestion: one parser per format, registered on import, and the merge that makes re-ingest lossless."""

# Registration order is detection order: html sniffs content ("<!doctype"), the others go by extension.
from faqsante.ingest import html, markdown, scraped_text, tabular  # noqa: F401  (registration)
from faqsante.ingest.base import ParsedEntry, ParsedSource, parse_file
from faqsante.ingest.merge import IngestReport, ingest_paths

__all__ = ["IngestReport", "ParsedEntry", "ParsedSource", "ingest_paths", "parse_file"]
