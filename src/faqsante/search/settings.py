"""Every constant of the search pipeline in one place: what a retriever, the fuser or the calibration may tune.

Fitted values (fusion weights, calibration) are not here: they are derived per corpus and embedder
(see ``faqsante.search.fitting``) and only start from these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchSettings:
    # BM25 (Lucene's formula), over answers and over questions alike
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # Encoding time grows with the question's length (~1.2 ms per token on one core). Beyond this many words
    # the model reads only the content words: a 25-word question drops to ~15 words, for a p95 ~20 % lower.
    long_question_words: int = 18
    # Lexical share of each side's evidence (no embedder: 1.0). Not fitted: pseudo-questions, made of the entries'
    # own words, favour BM25 (MRR rises up to 0.9 for e5-small and MiniLM alike), fitting it on imported questions
    # lost a fold by 6.7 points, and weighting each retriever by its own pseudo-question MRR (0.6 for e5-small,
    # 0.65 for MiniLM) lost 5.4 points on a warm fold and 4.1 on a held-out corpus with e5-small.
    lexical_weight: float = 0.5
    # Share of an entry's score that comes from its questions, when it has any (answer evidence is the rest).
    question_weight: float = 0.5
    # Features of a hit are computed on this many best documents, whatever top_k the caller asked for.
    feature_depth: int = 50
    # Abstention: the share of answerable questions it may refuse when fitted on labelled questions.
    max_false_abstention: float = 0.05
    # Logistic regressions' L2 penalty (standardised features, few examples).
    l2: float = 0.01
    # Pseudo-questions drawn from the corpus's own entries for unlabelled calibration, and at most this many
    # labelled (accepted) questions on top: a sample, so that 100,000 questions do not cost 100,000 searches.
    pseudo_questions: int = 300
    labelled_questions: int = 300
    # In-domain questions the FAQ does not answer: pseudo-questions scored with their own entry left out of the
    # corpus, beside the off-topic bank's ~200 negatives. 5-fold dev (cold / warm) and a held-out corpus:
    # 0 -> abstains .77/.90/.90, 20 -> .90/.90/.93 at <= 3 % false abstentions, 40 -> 5.5 % false on the held-out.
    uncovered_questions: int = 20
    # Second look at the best documents after fusion (``search.rerank``): "identity" keeps the fused order.
    # "proximity" did not win across folds (cold 5-fold dev: hit@1 .758 and hit@5 .935 on both, MRR@10 .832
    # against .833, lower on 2 folds, higher on 1), so it stays off. Nor did sentence evidence: the fused score
    # plus w × the best sentence's e5 similarity (scaled over the first 20), w chosen on the training folds, gave
    # hit@1 .700 .736 .768 .721 .862 (.757) cold against .733 .722 .768 .721 .862 (.761), and .683 .764 .786
    # .754 .828 (.763) warm against .800 .750 .768 .754 .828 (.780); windows of two sentences did worse.
    reranker: str = "identity"
    # Poll the database's data version at most this often (seconds).
    poll_interval_s: float = 1.0


DEFAULT = SearchSettings()
