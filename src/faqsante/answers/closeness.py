"""How close an answer is, in the engine's own calibrated terms (#17.3): no similarity cut tuned by hand.

A hit's ``confidence`` is the calibrated chance that it answers the question: the chance the FAQ answers at
all, times the chance this entry is the one given its score gap to the best (``search.calibration``). Two
numbers follow from the calibration itself:
- ``offered_floor``: the confidence of the weakest first answer the engine still offers (the chance at the
  abstention threshold times the rank model's chance for the best entry). A related entry is shown only above
  it: asked that entry's own text, were the entry absent, the engine would offer it as an answer.
- a refusal lists an entry only when its chance is at least half that floor; the first answers are offered
  as a choice when another one is at least half as likely as the first to be the answer.
# threshold 0.42, σ(rank_bias) 0.61  ->  offered_floor 0.26: related above 0.26, a refusal's list above 0.13
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from faqsante.search import SearchEngine
from faqsante.search.results import Hit

CHOICE_MAX = 3  # first answers offered side by side: more is a list again, not a choice
AS_LIKELY = 0.5  # « at least half as likely »: the one ratio these rules share


def offered_floor(engine: SearchEngine) -> float:
    """The least confidence the engine gives a first answer it offers rather than abstains on."""
    calibration = engine.calibration
    return calibration.threshold / (1.0 + math.exp(-calibration.rank_bias))


def confidences_without(engine: SearchEngine, hits: Sequence[Hit], entry_id: str) -> list[tuple[Hit, float]]:
    """The other hits with the confidence each would have were ``entry_id`` not in the FAQ: asked an entry's
    own text, that entry is first by far, and every other one's gap to it says nothing of their closeness.

    The question's chance to be answered is read back from the best hit (its confidence is that chance times
    the rank model's chance for a best entry); the others' gaps are taken to the best of them.
    """
    calibration = engine.calibration
    others = [hit for hit in hits if hit.id != entry_id]
    if not hits or not others:
        return []
    answerable = hits[0].confidence * (1.0 + math.exp(-calibration.rank_bias))
    scores = np.array([hit.score for hit in others])
    return list(zip(others, calibration.confidences(answerable, scores, float(scores.max())).tolist(), strict=True))


def close_in_refusal(engine: SearchEngine, hits: Sequence[Hit]) -> list[Hit]:
    """What a refusal may list: the hits whose chance is at least half the weakest offered answer's; often none."""
    floor = AS_LIKELY * offered_floor(engine)
    return [hit for hit in hits if hit.confidence >= floor]


def choice_count(abstained: bool, hits: Sequence[Hit]) -> int:
    """How many first answers are offered as a choice: 0 when the first is the answer (or the engine abstains),
    else those at least half as likely as the first (2 or 3).

    # confidences [0.62, 0.20, 0.05] -> 0 ; [0.41, 0.33, 0.22, 0.19] -> 3 ; [0.41, 0.33, 0.10] -> 2
    """
    if abstained or len(hits) < 2:
        return 0
    first = hits[0].confidence
    close = [hit for hit in hits[:CHOICE_MAX] if hit.confidence >= AS_LIKELY * first]
    return len(close) if len(close) > 1 else 0
