"""The French e-mails faqsante sends: « votre question a une réponse » to a visitor, and what is new to editors."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LISTED = 10  # items of each kind an editors' mail lists; « … et 89 autres » for the rest
SUBJECT_QUOTE = 60  # characters of a visitor's question quoted in a subject
ITEM_LENGTH = 300  # characters of a question or suggestion quoted in a list
# Dropped from a visitor's text before it is quoted: controls, bidi overrides and other invisible formatting,
# surrogates, private use and unassigned code points (whitespace of any kind becomes one space instead).
_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@dataclass(frozen=True)
class Draft:
    """A message before it has a sender: what the outbox stores and retries."""

    recipient: str
    subject: str
    body: str


def answer_notice(
    *, recipient: str, question: str, title: str, answer_path: str, public_url: str, site_name: str
) -> Draft:
    """Tell a visitor where the answer to the question they submitted is: its title and permalink, as the portal
    shows them (``content.title_book.shown_titles``, ``faqsante.urls.answer_path``).

    # answer_notice(recipient="a@b.fr", question="Comment …", title="Le DMN doit-il recevoir l'INS ?",
    #               answer_path="/reponses/c1179/le-dmn-doit-il-…", public_url="https://faq.example.fr",
    #               site_name="FAQ du numérique en santé").body
    #   ->  "Bonjour,\n\nVous avez posé … « Le DMN doit-il recevoir l'INS ? » … https://faq.example.fr/reponses/c1179/…"
    """
    link = f"{public_url.rstrip('/')}{answer_path}"
    body = (
        "Bonjour,\n\n"
        f"Vous avez posé cette question sur « {site_name} » :\n\n"
        f"« {question} »\n\n"
        "L'équipe qui rédige la FAQ y a répondu. Vous trouverez la réponse, « "
        f"{title} », à cette adresse :\n\n"
        f"{link}\n\n"
        "Vous recevez ce message parce que vous avez laissé votre adresse en posant la question ; "
        "elle ne servira à rien d'autre et vous ne recevrez pas d'autre message à ce sujet.\n\n"
        f"— L'équipe de rédaction de « {site_name} »\n"
    )
    return Draft(recipient=recipient, subject=f"Votre question a une réponse — {site_name}", body=body)


@dataclass(frozen=True)
class Suggested:
    """A learned suggestion as an editors' mail quotes it: the visitor's words and the entry they found."""

    text: str
    entry: str  # the entry's title, as every channel shows it (content.title_book.shown_titles)


def one_line(text: str, limit: int) -> str:
    """A visitor's ``text`` as one short line, safe to quote anywhere, a subject included: no line break, control
    or invisible character, at most ``limit`` characters (cut with « … »).

    # one_line("Carte CPS ?\r\nBcc: x@y.fr", 60)  -> "Carte CPS ? Bcc: x@y.fr"   (one header, one line)
    # one_line("a\u202eb\x00c", 60)              -> "abc"
    """
    kept = "".join(" " if char.isspace() else char for char in text
                   if char.isspace() or unicodedata.category(char) not in _UNSHOWN)  # fmt: skip
    flat = " ".join(kept.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def editor_notice(
    *,
    recipient: str,
    username: str,
    questions: list[str],
    suggestions: list[Suggested],
    daily: bool,
    public_url: str,
    site_name: str,
) -> Draft:
    """What is new for an editor: submitted questions (never their visitors' addresses) and learned suggestions,
    ten of each at most, with the pages where they are handled.

    # editor_notice(questions=["Où trouver ma carte ?"], suggestions=[], daily=False, …).subject
    #   -> "Nouvelle question : « Où trouver ma carte ? » — FAQ du numérique en santé"
    """
    base = public_url.rstrip("/")
    site = one_line(site_name, 120)
    lines = ["Bonjour,", "", f"Voici les nouveautés de « {site} »." if daily else f"Du nouveau sur « {site} » :", ""]
    if questions:
        lines += [_count(len(questions), "question posée", "questions posées") + " par des visiteurs :", ""]
        lines += [f"- « {one_line(question, ITEM_LENGTH)} »" for question in questions[:LISTED]]
        lines += _more(len(questions))
        lines += ["", f"Pour y répondre : {base}/admin/questions", ""]
    if suggestions:
        lines += [_count(len(suggestions), "suggestion apprise", "suggestions apprises") + " des recherches :", ""]
        lines += [
            f"- « {one_line(item.text, ITEM_LENGTH)} » pour la réponse « {one_line(item.entry, ITEM_LENGTH)} »"
            for item in suggestions[:LISTED]
        ]
        lines += _more(len(suggestions))
        lines += ["", f"Pour les accepter ou les refuser : {base}/admin/suggestions", ""]
    how = (
        "un résumé quotidien" if daily else "un e-mail à chaque nouveauté (les nouveautés rapprochées sont regroupées)"
    )
    lines += [
        f"Vous recevez ce message parce que le compte « {username} » a demandé {how}. "
        f"Pour changer de fréquence ou ne plus rien recevoir : {base}/admin/compte",
        "",
        f"— « {site} »",
    ]
    return Draft(recipient=recipient, subject=f"{_subject(questions, suggestions, daily)} — {site}",
                 body="\n".join(lines) + "\n")  # fmt: skip


def _subject(questions: list[str], suggestions: list[Suggested], daily: bool) -> str:
    # "Nouvelle question : « … »", "12 questions, 3 suggestions", "Résumé quotidien : 1 question"
    if not daily and len(questions) + len(suggestions) == 1:
        if questions:
            return f"Nouvelle question : « {one_line(questions[0], SUBJECT_QUOTE)} »"
        return f"Nouvelle suggestion : « {one_line(suggestions[0].text, SUBJECT_QUOTE)} »"
    counts = [_count(n, singular, plural) for n, singular, plural in (
        (len(questions), "question", "questions"), (len(suggestions), "suggestion", "suggestions")) if n]  # fmt: skip
    return f"Résumé quotidien : {', '.join(counts)}" if daily else f"Nouveautés : {', '.join(counts)}"


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _more(n: int) -> list[str]:
    return [f"… et {n - LISTED} autre{'s' if n - LISTED > 1 else ''}."] if n > LISTED else []
