"""Measure the tagger against hand labels: precision and recall per facet and over all facets (micro).

Labels file (YAML): entries designated by a distinctive snippet of their answer, expected values per facet.

    - extrait: "Oui, le téléservice INSi est déjà disponible"
      produit: [ins]
      thematique: [identitovigilance]

A facet left out expects no value. Each (entry, facet, value) counts once: proposed and expected is a true
positive, proposed only a false positive, expected only a false negative.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.table import Table

from faqsante.config import Settings
from faqsante.errors import FaqsanteError
from faqsante.facets.entry_tags import make_tagger
from faqsante.facets.tagger import Tag
from faqsante.facets.taxonomy import Taxonomy, load_taxonomy
from faqsante.search.corpus import Document, read_documents
from faqsante.store import Database
from faqsante.text import fold_for_comparison


@dataclass(frozen=True)
class Label:
    snippet: str
    expected: Mapping[str, frozenset[str]]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float | None:
        proposed = self.true_positives + self.false_positives
        return self.true_positives / proposed if proposed else None

    @property
    def recall(self) -> float | None:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


@dataclass
class TaggingReport:
    labelled: int
    facets: dict[str, Score]
    overall: Score
    mistakes: list[dict[str, Any]] = field(default_factory=list)  # per entry: what was missed or wrongly added

    def to_dict(self) -> dict[str, Any]:
        # {"labelled": 88, "overall": {"precision": .9, "recall": .8, ...}, "facets": {"produit": {...}},
        #  "mistakes": [{"extrait": "...", "entry_id": "...", "missing": ["produit=ins"], "extra": [...]}]}
        return {
            "labelled": self.labelled,
            "overall": self.overall.to_dict(),
            "facets": {name: score.to_dict() for name, score in self.facets.items()},
            "mistakes": self.mistakes,
        }


def load_labels(path: Path, taxonomy: Taxonomy) -> list[Label]:
    """Read and check a labels file: every facet and value must exist in the taxonomy."""
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise FaqsanteError(f"étiquettes illisibles ({path}) : {error}") from error
    labels = []
    for number, item in enumerate(items, 1):
        snippet = str(item.get("extrait") or "").strip() if isinstance(item, dict) else ""
        if not snippet:
            raise FaqsanteError(f"{path}, étiquette n° {number} : « extrait » manquant")
        expected: dict[str, frozenset[str]] = {}
        for facet, values in item.items():
            if facet == "extrait":
                continue
            if facet not in taxonomy.facets:
                raise FaqsanteError(f"{path}, « {snippet} » : facette inconnue {facet}")
            unknown = [v for v in values if v not in taxonomy.facets[facet].values]
            if unknown:
                raise FaqsanteError(f"{path}, « {snippet} » : valeurs inconnues {facet} = {', '.join(unknown)}")
            expected[facet] = frozenset(values)
        labels.append(Label(snippet, expected))
    return labels


def find_entry(snippet: str, documents: Sequence[Document]) -> Document:
    """The one document whose answer contains the snippet (compared folded); anything else is an error."""
    wanted = fold_for_comparison(snippet)
    found = [doc for doc in documents if wanted in fold_for_comparison(doc.answer)]
    if len(found) != 1:
        problem = "introuvable" if not found else f"ambigu ({len(found)} entrées)"
        raise FaqsanteError(f"extrait {problem} : « {snippet} »")
    return found[0]


def evaluate_tags(
    labels: Sequence[Label], documents: Sequence[Document], predicted: Mapping[str, Sequence[Tag]], taxonomy: Taxonomy
) -> TaggingReport:
    facets = {facet.key: Score() for facet in taxonomy}
    overall = Score()
    mistakes = []
    for label in labels:
        doc = find_entry(label.snippet, documents)
        proposed = {(tag.facet, tag.value) for tag in predicted.get(doc.id, ())}
        expected = {(facet, value) for facet, values in label.expected.items() for value in values}
        for facet, score in facets.items():
            mine = {v for f, v in proposed if f == facet}
            theirs = {v for f, v in expected if f == facet}
            for target in (score, overall):
                target.true_positives += len(mine & theirs)
                target.false_positives += len(mine - theirs)
                target.false_negatives += len(theirs - mine)
        if proposed != expected:
            mistakes.append(
                {
                    "extrait": label.snippet,
                    "entry_id": doc.id,
                    "missing": sorted(f"{f}={v}" for f, v in expected - proposed),
                    "extra": sorted(f"{f}={v}" for f, v in proposed - expected),
                }
            )
    return TaggingReport(labelled=len(labels), facets=facets, overall=overall, mistakes=mistakes)


def report_table(report: TaggingReport) -> Table:
    """Precision and recall per facet, then over all facets (micro-average)."""
    table = Table(title=f"Étiquetage automatique : {report.labelled} entrées étiquetées à la main")
    for column in ("facette", "précision", "rappel", "vrais +", "faux +", "faux −"):
        table.add_column(column, justify="left" if column == "facette" else "right")
    for name, score in [*report.facets.items(), ("toutes (micro)", report.overall)]:
        table.add_row(
            name,
            _figure(score.precision),
            _figure(score.recall),
            str(score.true_positives),
            str(score.false_positives),
            str(score.false_negatives),
        )
    return table


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def evaluate_file(db: Database, settings: Settings, path: Path) -> TaggingReport:
    """Run the tagger on the database's published entries (nothing is written) and score it against ``path``."""
    taxonomy = load_taxonomy()
    labels = load_labels(path, taxonomy)
    with db.session() as session:
        documents = read_documents(session)
        predicted = make_tagger(session, settings, documents, taxonomy).tag_all(documents)
    return evaluate_tags(labels, documents, predicted, taxonomy)
