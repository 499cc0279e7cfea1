"""How an entry looks on a page: its title, a short excerpt with the searched words marked, and its answer as safe HTML.

Answers are Markdown (markdown-it-py): imported answers are plain text — "\\n\\n" between paragraphs, "\\n"
line breaks, bullet lines starting with "-", "•", "*" or "1." — which reads as Markdown once a list is
allowed to follow its introducing line; editors may write links ``[libellé](https://…)`` and emphasis.
Raw HTML is escaped, images and indented code are off, and a link keeps its href only for http(s), mailto:,
tel: and this site's own paths, so no ``javascript:`` link can come out. Bare addresses become links
(linkify-it-py) and phone numbers ``tel:`` links (phonenumbers, French numbering plan).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import phonenumbers
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape
from phonenumbers import shortnumberinfo

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.sentences import passage_limit, split_sentences
from faqsante.urls import answer_path

EXCERPT_LENGTH = 280
REGION = "FR"

_BULLET = re.compile(r"\s*[-•*]\s+(?P<text>.*)")
_NUMBERED = re.compile(r"\s*(?P<number>\d{1,3})[.)]\s+(?P<text>.*)")
# Short numbers are digits like any other; they count as a phone number only after a word that calls them one:
# « appelez le 3422 », « au 3422 », « numéro vert 3422 » (and only if the French plan knows them).
_SHORT_NUMBER = re.compile(
    r"\b(?:numéro(?:\s+vert)?|au|le|composez|appelez)\s+(?P<number>\d{2,4})(?![\d\w])", re.IGNORECASE
)
_SAFE_HREF = re.compile(r"(?:https?://|mailto:|tel:|/(?!/)|#)", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:[.\-/_]\w+)*")
_ANALYZER = FrenchAnalyzer()
# Where the answering passage starts and ends while the Markdown renders: control characters, which no answer
# keeps (they are blanked first), which markdown-it passes through as text and linkify ends a link on.
_PASSAGE_START, _PASSAGE_END = "\x02", "\x03"
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_MARK = Markup('<mark class="reponse-phrase">{}</mark>')


def entry_title(entry: Mapping[str, Any]) -> str:
    """The title every channel shows: the ``title`` the core put in the entry (``content.title_book.shown_titles``).

    No page titles an entry from its question or its answer by itself: a mapping without a title is a defect.
    # {"id": "c11796043a08", "question": None, "title": "Le DMN doit-il recevoir l'INS ?"}  ->  "Le DMN doit-il recevoir l'INS ?"
    """
    return str(entry["title"])


def answer_url(entry: Mapping[str, Any]) -> str:
    """The permalink every link to an answer takes (``faqsante.urls.answer_path``), from its id and title.

    # {"id": "c11796043a08", "title": "Le DMN doit-il recevoir l'INS ?"}  ->  "/reponses/c11796043a08/le-dmn-doit-il-recevoir-l-ins"
    """
    return answer_path(str(entry["id"]), entry_title(entry))


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def french_date(moment: str | datetime | date) -> str:
    """# "2026-11-29T12:00:00+00:00" -> "29 novembre 2026" ; the 1st of a month is « 1er »"""
    day = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The answer on one line, list markers dropped, cut at a word: what a results list shows."""
    flat = " ".join(_strip_marker(line).strip() for line in (text or "").splitlines() if line.strip())
    return _shorten(flat, length)


def answer_html(text: str, *, heading_level: int = 2, passage: tuple[int, int] | None = None) -> Markup:
    """Render an answer (or any Markdown text of the site) as escaped HTML, ``text[start:end]`` of ``passage``
    in <mark class="reponse-phrase"> (the sentence that answers the visitor's question).

    ``heading_level`` is the level a Markdown « # » becomes: under the page's own <h1>, an answer's titles
    start lower. The text is the one editors wrote; nothing in it can add markup of its own.
    """
    env: EnvType = {"heading_shift": max(0, heading_level - 1)}
    text = (text or "").replace(_PASSAGE_START, " ").replace(_PASSAGE_END, " ")  # same length: offsets hold
    if passage is not None:
        start, end = passage
        text = f"{text[:start]}{_PASSAGE_START}{text[start:end]}{_PASSAGE_END}{text[end:]}"
    html = _MARKDOWN.render(_as_markdown(text), env).strip()
    return _marked_passage(html) if passage is not None else Markup(html)  # noqa: S704  (escaped by markdown-it)


def _marked_passage(html: str) -> Markup:
    """The text between the two passage characters of rendered HTML in <mark>, run by run between tags, so the
    marks nest inside any element the passage crosses (a link, emphasis).

    # "<p>Oui. \x02La session <em>dure</em> 4 h.\x03</p>"
    #   -> "<p>Oui. <mark …>La session </mark><em><mark …>dure</mark></em><mark …> 4 h.</mark></p>"
    """
    parts = _TAG_OR_TEXT.split(html)
    for index in range(1, len(parts), 2):  # a tag: a passage character inside an attribute marks nothing
        parts[index] = parts[index].replace(_PASSAGE_START, "").replace(_PASSAGE_END, "")
    inside = False
    marked: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            marked.append(part)
            continue
        for piece in re.split(f"([{_PASSAGE_START}{_PASSAGE_END}])", part):
            if piece in (_PASSAGE_START, _PASSAGE_END):
                inside = piece == _PASSAGE_START
            elif piece:  # white space between block elements (a list's items) stays outside any mark
                marked.append(_MARK.format(Markup(piece)) if inside and piece.strip() else piece)  # noqa: S704
    return Markup("".join(marked))  # noqa: S704  (markdown-it's escaped HTML and our own <mark> tags)


def passage_of(text: str, value: str | None) -> tuple[int, int] | None:
    """The passage a results link names (``?passage=5-25``) when it runs from the start of one of the answer's
    sentences to the end of one, within a passage's length, else None: a stale or edited link marks nothing
    rather than half a word.

    # ("Oui. La session dure 4 h.", "5-25")  ->  (5, 25) ;  "5-12", "x", None  ->  None
    """
    found = re.fullmatch(r"(\d{1,6})-(\d{1,6})", value or "")
    if found is None:
        return None
    passage = (int(found.group(1)), int(found.group(2)))
    blanked = (text or "").replace(_PASSAGE_START, " ").replace(_PASSAGE_END, " ")  # as ``answer_html`` reads it
    sentences = split_sentences(blanked)
    starts, ends = {start for start, _ in sentences}, {end for _, end in sentences}
    start, end = passage
    fits = start < end and end - start <= passage_limit(len(blanked))
    return passage if fits and start in starts and end in ends else None


def span_excerpt(hit: Mapping[str, Any], query: str | None) -> Markup:
    """A result's excerpt: its first span (the sentence that answers), else the answer's start; query words marked.

    # {"answer": "Oui. La session dure 4 h.", "spans": [{"start": 5, "end": 25}]}, "session"
    #   -> "La <mark>session</mark> dure 4 h."
    """
    answer = str(hit.get("answer") or "")
    spans = hit.get("spans") or []
    if not spans:
        return marked_excerpt(answer, query)
    return marked_excerpt(answer[spans[0]["start"] : spans[0]["end"]], query)


def marked_excerpt(text: str, query: str | None, length: int = EXCERPT_LENGTH) -> Markup:
    """The excerpt of ``text`` with the words of ``query`` in <mark>, matched as search matches them (stems).

    # ("Activez votre e-CPS depuis…", "activer e-cps")  ->  "<mark>Activez</mark> votre <mark>e-CPS</mark> depuis…"
    """
    return mark_words(excerpt(text, length), query)


def mark_words(text: str, query: str | None) -> Markup:
    """Escape ``text``, marking its words whose search term is one of the query's."""
    wanted = set(_ANALYZER.terms(query or ""))
    if not wanted:
        return escape(text)
    parts: list[Markup] = []
    position = 0
    for match in _WORD.finditer(text):
        if wanted.intersection(_ANALYZER.terms(match.group())):
            parts += [escape(text[position : match.start()]), Markup("<mark>{}</mark>").format(match.group())]
            position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def phone_links(text: str) -> list[tuple[int, int, str]]:
    """(start, end, tel: address) of each phone number in running text, in order.

    # "appelez le 01 23 45 67 89 ou le 3422"  ->  [(11, 25, "tel:+33123456789"), (33, 37, "tel:3422")]
    """
    found = [
        (match.start, match.end, "tel:" + phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
        for match in phonenumbers.PhoneNumberMatcher(text, REGION)
    ]
    for match in _SHORT_NUMBER.finditer(text):
        number = match.group("number")
        start = match.start("number")
        if _is_short_number(number) and not any(begin <= start < end for begin, end, _ in found):
            found.append((start, match.end("number"), "tel:" + number))
    return sorted(found)


def _is_short_number(digits: str) -> bool:
    """A short number one can dial in France ("3422", "15"); "00" (the international prefix) cannot be parsed."""
    try:
        return bool(shortnumberinfo.is_valid_short_number_for_region(phonenumbers.parse(digits, REGION), REGION))
    except phonenumbers.NumberParseException:
        return False


def _as_markdown(text: str) -> str:
    """Plain-text answers as Markdown: "•" bullets are "-" bullets, and a list may follow its introducing line.

    # "Causes :\\n• une\\n3. trois"  ->  "Causes :\\n\\n- une\\n\\n3. trois"
    """
    lines: list[str] = []
    previous = "blank"
    for line in text.replace("\r\n", "\n").split("\n"):
        bullet, numbered = _BULLET.fullmatch(line), _NUMBERED.fullmatch(line)
        kind = "ul" if bullet else "ol" if numbered else "text" if line.strip() else "blank"
        if bullet and line.lstrip().startswith("•"):
            line = "- " + bullet.group("text")
        if kind in ("ul", "ol") and previous not in (kind, "blank"):
            lines.append("")
        lines.append(line)
        previous = kind
    return "\n".join(lines)


def _link_phones(state: StateCore) -> None:
    """A core rule after linkify: phone numbers in text outside links become tel: links."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        depth = 0
        for token in block.children:
            depth += token.type == "link_open"
            depth -= token.type == "link_close"
            if token.type != "text" or depth or not any(c.isdigit() for c in token.content):
                children.append(token)
                continue
            position = 0
            for start, end, href in phone_links(token.content):
                children += [
                    _text(token.content[position:start]),
                    Token("link_open", "a", 1, attrs={"href": href}),
                    _text(token.content[start:end]),
                    Token("link_close", "a", -1),
                ]
                position = end
            children.append(_text(token.content[position:]))
        block.children = [child for child in children if child.type != "text" or child.content]


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _shifted_heading(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """« # Titre » as <h2> (or lower) inside a page that has its own <h1>."""
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + int(env.get("heading_shift", 1)))
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "table", "strikethrough"]).disable(["code", "image", "lheading"])
    md.validateLink = lambda url: bool(_SAFE_HREF.match(url.strip()))  # type: ignore[method-assign]
    assert md.linkify is not None, "linkify-it-py is a dependency: markdown-it-py sets it up with linkify on"
    md.linkify.set({"fuzzy_link": True, "fuzzy_email": True})
    md.core.ruler.after("linkify", "phone", _link_phones)
    renderer: RendererHTML = md.renderer  # type: ignore[assignment]
    renderer.rules["heading_open"] = _shifted_heading  # type: ignore[assignment]
    renderer.rules["heading_close"] = _shifted_heading  # type: ignore[assignment]
    return md


_MARKDOWN = _markdown()


def _strip_marker(line: str) -> str:
    match = _BULLET.fullmatch(line) or _NUMBERED.fullmatch(line)
    return match.group("text") if match else line


def _shorten(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,;:") + "…"
