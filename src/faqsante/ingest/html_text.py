"""HTML to plain text that keeps an answer's structure and nothing else.

    <p>Vous pouvez :</p>
    <ul><li>appeler le <a href="tel:3422">3422</a></li>
        <li>lire <a href="https://esante.gouv.fr/ins">le référentiel</a></li></ul>
    <p>Voir https://esante.gouv.fr<br>ou <a href="javascript:go()">ici</a>.</p><script>track()</script>

becomes

    Vous pouvez :

    - appeler le 3422
    - lire le référentiel (https://esante.gouv.fr/ins)

    Voir https://esante.gouv.fr
    ou ici.

Answers are rendered later, so no markup, no script or style content and no ``javascript:`` URL
comes through. Text the page itself displays stays text, even « &lt;script&gt; » written out:
escaping it is the renderer's job, as for every other source.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Their text is code or machinery, never part of an answer.
DROPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "embed"})
BLOCK_TAGS = frozenset(
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr main nav p pre section summary table".split()
)
# Browsers stop nesting at 512 levels (Blink's kMaximumHTMLParserDOMTreeDepth); FAQ pages stay under 50.
# The conversion below recurses about twice per level: 200 keeps it far from Python's stack limit.
MAX_DEPTH = 200
WHITESPACE = re.compile(r"[ \t\n\r\f\u00a0\u202f]+")
# Browsers ignore case, spaces and control characters in a scheme: "Java\tScript:" runs too.
UNSAFE_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class TooDeep(ValueError):
    """Markup nested deeper than ``MAX_DEPTH`` elements (``<div><div><div>…`` ×10,000): refused, not recursed."""


def check_depth(node: LexborNode) -> None:
    """Raise ``TooDeep`` when elements under ``node`` nest more than ``MAX_DEPTH`` deep (walked without recursion)."""
    stack = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TooDeep(f"HTML trop imbriqué (plus de {MAX_DEPTH} éléments les uns dans les autres)")
        stack.extend((child, depth + 1) for child in current.iter())


class _PlainText:
    """Text pieces plus owed line breaks: blocks ask for a blank line, ``<br>`` and ``<li>`` for a new one."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = 0  # line breaks owed before the next text: 1 = new line, 2 = blank line
        self.line_start = True

    def newline(self, count: int) -> None:
        # Nothing before the first text, nor between a "- " and its item.
        if self.parts and not (self.line_start and not self.pending):
            self.pending = max(self.pending, count)
            self.line_start = True

    def line_break(self) -> None:
        """``<br>`` adds up: ``<br><br>`` is how many pages separate paragraphs."""
        self.newline(min(self.pending + 1, 2))

    def end_item(self) -> None:
        """One line break after a list item, even when a ``<p>`` inside it asked for a blank line."""
        self.newline(1)
        self.pending = min(self.pending, 1)

    def write(self, text: str, preformatted: bool = False) -> None:
        if not preformatted:
            text = WHITESPACE.sub(" ", text)
            if self.line_start or (self.parts and self.parts[-1].endswith(" ")):
                text = text.lstrip(" ")
        if text:
            self._flush()
            self.parts.append(text)
            self.line_start = False

    def prefix(self, text: str) -> None:
        """A list marker: starts a line, and the item's text still counts as the line's start."""
        self._flush()
        self.parts.append(text)
        self.line_start = True

    def _flush(self) -> None:
        if self.pending:
            self.parts.append("\n" * self.pending)
            self.pending = 0

    def result(self) -> str:
        text = re.sub(r"[ \t]+\n", "\n", "".join(self.parts))
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(node: LexborNode, skip: LexborNode | None = None) -> str:
    """The text of ``node``'s children (``skip`` left out: a ``<summary>`` is the question, not the answer)."""
    out = _PlainText()
    for child in node.iter(include_text=True):
        if skip is None or child != skip:
            _write(child, out, depth=0, preformatted=False)
    return out.result()


def fragment_to_text(markup: str) -> str:
    """The same for HTML held in a string, such as a JSON-LD answer (``TooDeep`` when nested too deep)."""
    body = LexborHTMLParser(markup).body
    if body is None:
        return ""
    check_depth(body)
    return html_to_text(body)


def one_line(text: str) -> str:
    return " ".join(text.split())


def link_text(label: str, href: str) -> str:
    """``label (url)``, or the URL alone when it is the label; unsafe or in-page links keep the label only.

    # ("le référentiel", "https://x.fr/ins")  becomes  "le référentiel (https://x.fr/ins)"
    # ("https://x.fr", "https://x.fr")         becomes  "https://x.fr"
    # ("ici", "javascript:go()")               becomes  "ici"
    """
    href = href.strip()
    if not href or href.startswith("#") or UNSAFE_URL.match(re.sub(r"[\s\x00-\x1f]", "", href)):
        return label
    shown = re.sub(r"^(mailto|tel):", "", href, flags=re.IGNORECASE)
    return shown if label in ("", shown, href) else f"{label} ({href})"


def _write(node: LexborNode, out: _PlainText, depth: int, preformatted: bool) -> None:
    tag = node.tag
    if node.is_text_node:
        out.write(node.text(deep=False), preformatted)
    elif not node.is_element_node or tag in DROPPED_TAGS:
        return
    elif tag == "br":
        out.line_break()
    elif tag == "a":
        out.write(link_text(one_line(html_to_text(node)), node.attributes.get("href") or ""))
    elif tag == "li":
        out.newline(1)
        out.prefix("  " * max(depth - 1, 0) + "- ")
        _write_children(node, out, depth, preformatted)
        out.end_item()
    elif tag in ("ul", "ol"):
        gap = 1 if depth else 2  # a nested list hangs under its item
        out.newline(gap)
        _write_children(node, out, depth + 1, preformatted)
        out.newline(gap)
    elif tag == "tr":
        out.newline(1)
        cells = [child for child in node.iter() if child.tag in ("td", "th")]
        for index, cell in enumerate(cells):
            if index:
                out.write(" | ")
            _write_children(cell, out, depth, preformatted)
        out.newline(1)
    else:
        block = tag in BLOCK_TAGS
        if block:
            out.newline(2)
        _write_children(node, out, depth, preformatted or tag == "pre")
        if block:
            out.newline(2)


def _write_children(node: LexborNode, out: _PlainText, depth: int, preformatted: bool) -> None:
    for child in node.iter(include_text=True):
        _write(child, out, depth, preformatted)
