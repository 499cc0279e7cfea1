"""How an entry looks on a page: its title, a short excerpt, and its answer as safe HTML.

Answers are plain text: "\\n\\n" between paragraphs, "\\n" line breaks, bullet lines starting with
"-", "•", "*" or "1.". Everything is escaped; the only markup produced is <p>, <br>, <ul>, <ol>, <li> and
<a> whose href is built here from an http(s) URL, an e-mail address (mailto:) or a French phone number
(tel:) — never from anything else, so no ``javascript:`` link can come out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from markupsafe import Markup, escape

TITLE_LENGTH = 110
EXCERPT_LENGTH = 280

_BULLET = re.compile(r"\s*[-•*]\s+(?P<text>.*)")
_NUMBERED = re.compile(r"\s*(?P<number>\d{1,3})[.)]\s+(?P<text>.*)")
_INLINE = re.compile(
    r"(?P<url>\bhttps?://[^\s<>\"'«»]+)"
    r"|(?P<email>\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b)"
    # 01 23 45 67 89 · 0123456789 · 01.23.45.67.89 · +33 1 23 45 67 89 · +33 (0)1 23 45 67 89 · 0 820 25 00 35
    r"|(?P<phone>(?<![\w+])(?:\+33\s?(?:\(0\)\s?)?|0\s?)[1-9](?:[\s.-]?\d{2}){4}(?!\d))"
    # numéros courts : « appelez le 3422 », « au 3422 », « numéro vert 3422 »
    r"|(?P<lead>\b(?:numéro(?:\s+vert)?|au|le|composez|appelez)\s+)(?P<short>3\d{3})(?![\d\w])",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}"


def entry_title(entry: Mapping[str, Any]) -> str:
    """The question, or for entries scraped without one, the first sentence of the answer.

    # {"question": None, "answer": "Ce message peut avoir plusieurs causes :\\n- …"}  ->  "Ce message peut avoir plusieurs causes"
    """
    if entry.get("question"):
        return str(entry["question"])
    first_line = next((line for line in str(entry.get("answer") or "").splitlines() if line.strip()), "")
    first_line = _strip_marker(first_line).strip()
    sentence = re.split(r"(?<=[.!?])\s", first_line, maxsplit=1)[0]
    return _shorten(sentence, TITLE_LENGTH).rstrip(" :;,") or "Réponse"


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The answer on one line, list markers dropped, cut at a word: what a results list shows."""
    flat = " ".join(_strip_marker(line).strip() for line in (text or "").splitlines() if line.strip())
    return _shorten(flat, length)


def answer_html(text: str) -> Markup:
    """Render an answer's paragraphs, lists, links, e-mail addresses and phone numbers as escaped HTML."""
    blocks = re.split(r"\n\s*\n", (text or "").strip())
    return Markup("\n").join(html for block in blocks for html in _block_html(block.splitlines()))


def _block_html(lines: list[str]) -> Iterator[Markup]:
    """# ["Causes :", "- une", "- deux"]  ->  <p>Causes :</p>, <ul><li>une</li><li>deux</li></ul>"""
    paragraph: list[str] = []
    items: list[str] = []
    kind: str | None = None  # "ul" or "ol" while a list is open
    start = 1
    for line in lines:
        if not line.strip():
            continue
        bullet, numbered = _BULLET.fullmatch(line), _NUMBERED.fullmatch(line)
        line_kind = "ul" if bullet else "ol" if numbered else None
        if line_kind != kind or line_kind is None:
            if kind:
                yield _list_html(kind, items, start)
                items = []
            if line_kind is None:
                paragraph.append(line.strip())
                kind = None
                continue
            if paragraph:
                yield _paragraph_html(paragraph)
                paragraph = []
            kind = line_kind
            start = int(numbered.group("number")) if numbered else 1
        items.append((bullet or numbered).group("text"))  # type: ignore[union-attr]
    if kind:
        yield _list_html(kind, items, start)
    if paragraph:
        yield _paragraph_html(paragraph)


def _paragraph_html(lines: list[str]) -> Markup:
    return Markup("<p>{}</p>").format(Markup("<br>\n").join(_inline_html(line) for line in lines))


def _list_html(kind: str, items: list[str], start: int) -> Markup:
    opening = Markup(f'<ol start="{start}">') if kind == "ol" and start != 1 else Markup(f"<{kind}>")
    body = Markup("").join(Markup("<li>{}</li>").format(_inline_html(item.strip())) for item in items)
    return opening + body + Markup(f"</{kind}>")


def _inline_html(text: str) -> Markup:
    """Escape a line, turning URLs, e-mail addresses and phone numbers into links."""
    parts: list[Markup | str] = []
    position = 0
    for match in _INLINE.finditer(text):
        parts.append(text[position : match.start()])
        position = match.end()
        if match.group("url"):
            url = match.group("url")
            trimmed = _trim_url(url)
            parts.append(_link(trimmed, trimmed))
            position -= len(url) - len(trimmed)
        elif match.group("email"):
            parts.append(_link("mailto:" + match.group("email"), match.group("email")))
        elif match.group("phone"):
            parts.append(_link("tel:" + _dialable(match.group("phone")), match.group("phone")))
        else:
            parts.append(match.group("lead"))
            parts.append(_link("tel:" + match.group("short"), match.group("short")))
    parts.append(text[position:])
    return Markup("").join(escape(part) for part in parts)


def _link(href: str, label: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, label)


def _trim_url(url: str) -> str:
    """# "https://x.fr/a." -> "https://x.fr/a" ;  "(voir https://x.fr/a)" keeps no ")" unless the URL opened one"""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _dialable(phone: str) -> str:
    """# "01 23 45 67 89" -> "+33123456789" ;  "+33 (0)1 23 45 67 89" -> "+33123456789" """
    digits = re.sub(r"\D", "", phone.replace("(0)", ""))
    return "+" + digits if phone.startswith("+") else "+33" + digits[1:]


def _strip_marker(line: str) -> str:
    match = _BULLET.fullmatch(line) or _NUMBERED.fullmatch(line)
    return match.group("text") if match else line


def _shorten(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,;:") + "…"
