"""Checks and transforms on the text of entries: health report, dates, contacts, titles, diffs."""
