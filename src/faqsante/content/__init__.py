"""Suggested titles: a question-style title for an entry scraped without its question."""
