"""The five FAQ filters: an editable taxonomy, automatic tagging, editors' decisions, counts and evaluation.

>>> taxonomy = load_taxonomy()
>>> engine.ask("qualifier une identité", facets=taxonomy.resolve_filters({"produit": ["INS"]}))
>>> retag(db, settings)            # after an ingest; editors' rows are never touched
>>> facet_counts(db).to_dict()     # {"facets": {"produit": {"ins": 39, ...}, ...}, "untagged": 0}
An editor's decision on one entry's value is an edit: ``faqsante.editing.set_editor_tag`` / ``clear_editor_tag``.
"""

from faqsante.facets.entry_tags import (
    FacetCounts,
    RetagReport,
    facet_counts,
    retag,
    tags_by_entry,
)
from faqsante.facets.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "FacetCounts",
    "RetagReport",
    "Taxonomy",
    "tags_by_entry",
    "facet_counts",
    "load_taxonomy",
    "retag",
]
