"""The service object: the one core the CLI, the API and the pages call."""

from __future__ import annotations

import ast
from pathlib import Path

from faqsante.config import Settings
from faqsante.editing import entry_facets
from faqsante.service import Faqsante
from faqsante.store import Database
from faqsante.store.models import Entry


def test_promoting_a_question_to_title_retags_the_entry(db: Database, tmp_path: Path) -> None:
    settings = Settings().model_copy(update={"db_url": db.url, "embedder": "none", "index_dir": tmp_path / "index"})
    faq = Faqsante(settings, db=db)
    with db.session() as session:
        session.add(Entry(id="e1", question=None, answer="Oui, c'est possible depuis l'an dernier.",
                          status="published", content_hash="h", locked_fields=[]))  # fmt: skip
    faq.retag()
    assert "ins" not in entry_facets(db, "e1")["produit"]
    added = faq.add_question("e1", "Faut-il l'INS (identité nationale de santé) pour le DMP ?", author="marie")
    assert "ins" not in entry_facets(db, "e1")["produit"]  # an accepted question is not the title: no tag yet

    faq.promote_question(added.id, author="marie", entry_id="e1")

    assert entry_facets(db, "e1")["produit"].get("ins") == "auto"  # the tagger read the new title
    with db.session() as session:
        entry = session.get(Entry, "e1")
        assert entry is not None and entry.question == added.text
        assert entry.revisions[-1].note == "question principale choisie"


SRC = Path(__file__).resolve().parents[1] / "src" / "faqsante"


def _called(call: ast.Call) -> str | None:
    """# editing.set_status(db, …) -> "set_status" ;  faq.merge(…) -> "merge" """
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _on_the_database(call: ast.Call) -> bool:
    """Whether the call's first argument is a database: ``db``, ``database``, ``self.db``, ``faq.db``."""
    first = call.args[0] if call.args else None
    return (isinstance(first, ast.Name) and first.id in {"db", "database"}) or (
        isinstance(first, ast.Attribute) and first.attr == "db"
    )


def _database_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _on_the_database(node)]


def test_the_front_ends_make_every_change_through_the_service() -> None:
    """An operation the service offers (each one it runs on its database) is never run by a route or a command
    itself: it would skip the service's rules (#18.2)."""
    operations = {
        name
        for call in _database_calls(SRC / "service.py")
        if (name := _called(call)) is not None and not name[0].isupper()  # SearchEngine(db, …) is no operation
    }
    assert {"merge_entries", "set_source", "set_facets", "set_status", "create_entry", "dismiss_question"} <= operations
    bypasses = [
        f"{path.relative_to(SRC)}:{call.lineno} {_called(call)}"
        for path in [*sorted((SRC / "web").rglob("*.py")), SRC / "cli.py"]
        for call in _database_calls(path)
        if _called(call) in operations
    ]
    assert not bypasses, f"call these through Faqsante (web/deps.py ServiceDep, or the CLI's own): {bypasses}"
