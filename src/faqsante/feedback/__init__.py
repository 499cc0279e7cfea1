"""Feedback: what use tells the FAQ — « utile ? » votes, the query log and clicks, questions visitors submit,
the suggestions learned from them, and the analytics editors read."""
