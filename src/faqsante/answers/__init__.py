"""Answers: what a visitor is given for a question — search's ranking, the topic a short query names, the
query log row that records it — and what an entry's page offers next (its notices, related entries)."""
