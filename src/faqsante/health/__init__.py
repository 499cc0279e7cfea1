"""Content health: what an editor should review (past dates, mistyped contacts, duplicates, lost links), and
the notices a reader is shown for it."""
