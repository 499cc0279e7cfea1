"""The editors' work on entries: read any entry with its history, change it, and keep the FAQ tidy.

Every change is one transaction that records a revision signed by the editor, bumps the data version
(search indexes refresh) and adds the fields it set to ``locked_fields``, so that the next import of the
same dump keeps the editor's text:
# edit_entry(db, "c11796043a08", {"question": "Le DMN doit-il recevoir l'INS ?"}, author="marie")
# -> ["question"];  entries.locked_fields == ["question"];  revision 2 by "marie"

This package is the one core for content changes: the command line, ``/admin`` and the API call it,
never the store directly. Each change is one transaction that also re-tags the changed entries' filters
(``facets.entry_tags.retag_in``) and bumps ``data_version`` once (``entries.finish_change``).

One module per concept: ``entries`` (read, create, edit, publish), ``facets`` (the filters an editor
ticks), ``merge`` (fold a duplicate into the entry that stays), ``entry_questions`` (an entry's questions: add,
reword, delete, promote to title), ``inbox`` (the submitted-questions queue), ``diff`` (what a revision
changed), ``imports`` (sources parsed, merged and tagged), ``review`` (review date and owner), ``drafts`` (save aside, preview, publish; restore a
revision), ``glossary`` (synonyms and acronyms over the shipped glossary, with their history). Front ends import this package, not the modules.
"""

from faqsante.config import MAX_ANSWER_LENGTH
from faqsante.editing.drafts import Draft, discard_draft, get_draft, publish_draft, restore_revision, save_draft
from faqsante.editing.entries import (
    PAGE_SIZE,
    EditableEntry,
    EntryListing,
    EntryRow,
    Revision,
    create_entry,
    edit_entry,
    get_entry,
    list_entries,
    recent_changes,
    set_status,
    workspace_counts,
)
from faqsante.editing.facets import clear_editor_tag, entry_facets, set_editor_tag, set_facets
from faqsante.editing.imports import ImportReport, import_sources
from faqsante.editing.inbox import (
    QUESTION_STATUSES,
    QUEUE_PAGE_SIZE,
    QueuedQuestion,
    QueuePage,
    answer_question,
    dismiss_off_topic,
    dismiss_question,
    list_questions,
    page_of,
    queue_page,
)
from faqsante.editing.merge import MergeReport, merge_entries
from faqsante.editing.review import parse_review_date, set_review
from faqsante.store.models import MAX_SECTION_LENGTH

__all__ = [
    "parse_review_date",
    "set_review",
    "Draft",
    "discard_draft",
    "get_draft",
    "publish_draft",
    "restore_revision",
    "save_draft",
    "MAX_ANSWER_LENGTH",
    "MAX_SECTION_LENGTH",
    "PAGE_SIZE",
    "QUESTION_STATUSES",
    "QUEUE_PAGE_SIZE",
    "EditableEntry",
    "EntryListing",
    "EntryRow",
    "ImportReport",
    "MergeReport",
    "QueuedQuestion",
    "QueuePage",
    "Revision",
    "answer_question",
    "clear_editor_tag",
    "create_entry",
    "dismiss_off_topic",
    "dismiss_question",
    "edit_entry",
    "entry_facets",
    "get_entry",
    "import_sources",
    "list_entries",
    "list_questions",
    "merge_entries",
    "page_of",
    "queue_page",
    "recent_changes",
    "set_editor_tag",
    "set_facets",
    "set_status",
    "workspace_counts",
]
