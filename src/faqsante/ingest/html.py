"""HTML FAQ pages: schema.org JSON-LD and microdata, ``<details>`` accordions, ``<dl>`` lists.

    <h2>Identitovigilance</h2>                            <- section of the items below it
    <details><summary>Qu'est-ce que l'INS ?</summary>     <- question
      <p>L'identité nationale de santé …</p></details>    <- answer, as structured plain text
    <dl><dt>Question</dt><dd>Réponse</dd></dl>
    <div itemscope itemtype="https://schema.org/Question"><h3 itemprop="name">…</h3>
      <div itemprop="acceptedAnswer" itemscope …><div itemprop="text">…</div></div></div>
    <script type="application/ld+json">{"@type": "FAQPage", "mainEntity": [{"@type": "Question", …}]}</script>

Pages often say the same thing twice (JSON-LD for search engines, microdata or accordions for
readers): an entry found twice is kept once, in page order, JSON-LD-only entries last.
A ``<details>`` holding other ``<details>`` is a group: its summary names the section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from faqsante.errors import IngestError
from faqsante.ingest.base import PageInfo, ParsedEntry, Parser, register
from faqsante.ingest.html_text import TooDeep, check_depth, fragment_to_text, html_to_text, one_line
from faqsante.ingest.tabular import load_json

SECTION_HEADINGS = ("h1", "h2", "h3")
# The tags whose end a cut-off download loses and that lexbor would silently close for us.
CHECKED_TAG = re.compile(r"<!--|<(/?)(html|details|dl|script|style)(?=[\s/>])[^>]*>?", re.IGNORECASE)

_Item = tuple[str | None, str, str | None]  # question, answer, section


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def refuse_truncated(path: Path, text: str) -> None:
    """A half page must not pass for a whole one: check that what was opened was closed.

    # "<html><body><details><summary>Q</summary><p>Début de la rép"  is refused: no </details>, no </html>
    """

    def refuse(message: str, offset: int) -> IngestError:
        return IngestError(path, message, line=_line_of(text, offset))

    open_at: dict[str, list[int]] = {"details": [], "dl": []}
    html_opened = html_closed = False
    position = 0
    while match := CHECKED_TAG.search(text, position):
        position = match.end()
        if match.group(0) == "<!--":
            comment_end = text.find("-->", position)
            if comment_end < 0:
                raise refuse("HTML tronqué : commentaire <!-- jamais fermé", match.start())
            position = comment_end + 3
            continue
        closing, name = bool(match.group(1)), match.group(2).lower()
        if name in ("script", "style"):
            if not closing:  # raw text: skip to its end tag, whatever it contains
                end_tag = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, position)
                if end_tag is None:
                    raise refuse(f"HTML tronqué : balise <{name}> jamais fermée", match.start())
                position = end_tag.end()
        elif name == "html":
            html_opened, html_closed = html_opened or not closing, html_closed or closing
        elif not closing:
            open_at[name].append(match.start())
        elif open_at[name]:
            open_at[name].pop()
        else:
            raise refuse(f"HTML mal formé : </{name}> sans <{name}> ouvrante", match.start())
    for name, offsets in open_at.items():
        if offsets:
            raise refuse(f"HTML tronqué : balise <{name}> jamais fermée", offsets[-1])
    if html_opened and not html_closed:
        raise refuse("HTML tronqué : la balise </html> de fin manque", len(text))


@register
class HtmlParser(Parser):
    name = "html"
    extensions = (".html", ".htm")

    def detect(self, path: Path, head: str) -> bool:
        return super().detect(path, head) or head.lstrip().lower().startswith(("<!doctype", "<html"))

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        text = re.sub(r"\r\n?", "\n", text)  # as lexbor does, so that script text is found back in the file
        refuse_truncated(path, text)
        tree = LexborHTMLParser(text)
        try:
            if tree.root is not None:
                check_depth(tree.root)
        except TooDeep as error:
            raise IngestError(path, str(error)) from None
        entries: list[ParsedEntry] = []
        seen: set[str] = set()
        for question, answer, section in [*_page_items(tree), *_json_ld_items(path, text, tree)]:
            if not question or not answer:  # an empty accordion, a term without definition
                continue
            entry = ParsedEntry(answer=answer, question=question, section=section, position=len(entries))
            if entry.content_key not in seen:
                seen.add(entry.content_key)
                entries.append(entry)
        return entries

    def page(self, text: str) -> PageInfo:
        """``<title>`` (else ``og:site_name``) and the canonical address (else ``og:url``).

        # <title>FAQ | esante.gouv.fr</title><link rel="canonical" href="https://esante.gouv.fr/faq">
        #   -> PageInfo("FAQ | esante.gouv.fr", "https://esante.gouv.fr/faq")
        """
        tree = LexborHTMLParser(re.sub(r"\r\n?", "\n", text))
        title = tree.css_first("head title") or tree.css_first("title")
        site = tree.css_first('meta[property="og:site_name"]')
        canonical = tree.css_first('link[rel="canonical"]')
        address = tree.css_first('meta[property="og:url"]')
        return PageInfo(
            (title.text() if title is not None else None) or (site.attributes.get("content") if site else None),
            (canonical.attributes.get("href") if canonical else None)
            or (address.attributes.get("content") if address else None),
        )


def _page_items(tree: LexborHTMLParser) -> Iterator[_Item]:
    """Microdata, ``<details>`` and ``<dl>`` items in page order, each under the heading before it."""
    section: str | None = None
    if tree.root is None:  # nothing parsed at all (an empty file)
        return
    for node in tree.root.traverse():
        tag = node.tag
        if tag in SECTION_HEADINGS and not _inside(node, _is_item_container):
            section = one_line(html_to_text(node)) or section
        elif _is_question(node):
            yield _microdata_item(node, section)
        elif tag == "details" and not _inside(node, _is_question):
            summary = next((child for child in node.iter() if child.tag == "summary"), None)
            title = one_line(html_to_text(summary)) if summary is not None else None
            if _find(node, "details"):
                section = title or section
            else:
                yield title, html_to_text(node, skip=summary), section
        elif tag == "dl" and not _inside(node, _is_item_container):
            yield from _definition_items(node, section)


def _find(node: LexborNode, selector: str) -> LexborNode | None:
    """The first match strictly inside ``node``: lexbor's ``css`` also matches the node itself."""
    return next((found for found in node.css(selector) if found != node), None)


def _inside(node: LexborNode, predicate: Callable[[LexborNode], bool]) -> bool:
    parent = node.parent
    while parent is not None:
        if predicate(parent):
            return True
        parent = parent.parent
    return False


def _is_item_container(node: LexborNode) -> bool:
    """Where a heading is part of a question or an answer, and a ``<dl>`` part of an answer."""
    return node.tag in ("details", "dl") or _is_question(node)


def _is_question(node: LexborNode) -> bool:
    if not node.is_element_node:
        return False
    itemtype = node.attributes.get("itemtype") or ""
    return any(kind.rstrip("/").endswith("schema.org/Question") for kind in itemtype.split())


def _microdata_item(node: LexborNode, section: str | None) -> _Item:
    name = _find(node, '[itemprop~="name"]')
    answer = _find(node, '[itemprop~="acceptedAnswer"]')
    text = _find(answer, '[itemprop~="text"]') if answer is not None else None
    return one_line(_property_text(name)), _property_text(answer if text is None else text), section


def _property_text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    if node.tag == "meta":  # <meta itemprop="name" content="…"> holds its value in an attribute
        return one_line(node.attributes.get("content") or "")
    return html_to_text(node)


def _definition_items(dl: LexborNode, section: str | None) -> Iterator[_Item]:
    """``<dt>`` terms then their ``<dd>`` definitions; HTML allows each group wrapped in a ``<div>``."""
    terms: list[LexborNode] = []
    definitions: list[LexborNode] = []
    for node in _dl_children(dl):
        if node.tag == "dt" and definitions:
            yield _definition_item(terms, definitions, section)
            terms, definitions = [], []
        (terms if node.tag == "dt" else definitions).append(node)
    if definitions:
        yield _definition_item(terms, definitions, section)


def _dl_children(dl: LexborNode) -> Iterator[LexborNode]:
    for child in dl.iter():
        if child.tag == "div":
            yield from (grandchild for grandchild in child.iter() if grandchild.tag in ("dt", "dd"))
        elif child.tag in ("dt", "dd"):
            yield child


def _definition_item(terms: list[LexborNode], definitions: list[LexborNode], section: str | None) -> _Item:
    question = " / ".join(one_line(html_to_text(term)) for term in terms)
    return question, "\n\n".join(html_to_text(definition) for definition in definitions), section


def _json_ld_items(path: Path, text: str, tree: LexborHTMLParser) -> Iterator[_Item]:
    for script in tree.css("script"):
        if (script.attributes.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        raw = script.text()
        offset = text.find(raw) if raw.strip() else -1
        first_line = _line_of(text, offset) if offset >= 0 else None
        data = load_json(path, raw, first_line=first_line, label="JSON-LD")
        for question in _schema_questions(data):
            name = question.get("name") or question.get("text")
            answer = question.get("acceptedAnswer")
            answer = answer[0] if isinstance(answer, list) and answer else answer
            body = answer.get("text") if isinstance(answer, dict) else None
            if isinstance(name, str) and isinstance(body, str):
                try:
                    yield one_line(fragment_to_text(name)), fragment_to_text(body), None
                except TooDeep as error:
                    raise IngestError(path, f"JSON-LD : {error}", line=first_line) from None


def _schema_questions(data: Any) -> Iterator[dict[str, Any]]:
    """Every schema.org Question with an answer, wherever it sits: FAQPage.mainEntity, @graph, a list.

    Walked with a stack, in document order: JSON-LD may nest as deep as ``json`` allows.
    """
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if "acceptedAnswer" in item and any(str(kind).rsplit("/", 1)[-1] == "Question" for kind in kinds):
                yield item
            else:
                stack.extend(reversed(list(item.values())))
