"""The French e-mails faqsante sends: today one, « votre question a une réponse »."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Draft:
    """A message before it has a sender: what the outbox stores and retries."""

    recipient: str
    subject: str
    body: str


def answer_notice(*, recipient: str, question: str, answer_path: str, public_url: str, site_name: str) -> Draft:
    """Tell a visitor where the answer to the question they submitted is (``answer_path``: its permalink,
    ``faqsante.urls.answer_path``).

    # answer_notice(recipient="a@b.fr", question="Comment …", answer_path="/reponses/c1179/le-dmn-doit-il-…",
    #               public_url="https://faq.example.fr", site_name="FAQ du numérique en santé").body
    #   ->  "Bonjour,\n\nVous avez posé … https://faq.example.fr/reponses/c1179/le-dmn-doit-il-… …"
    """
    link = f"{public_url.rstrip('/')}{answer_path}"
    body = (
        "Bonjour,\n\n"
        f"Vous avez posé cette question sur « {site_name} » :\n\n"
        f"« {question} »\n\n"
        "L'équipe qui rédige la FAQ y a répondu. Vous trouverez la réponse à cette adresse :\n\n"
        f"{link}\n\n"
        "Vous recevez ce message parce que vous avez laissé votre adresse en posant la question ; "
        "elle ne servira à rien d'autre et vous ne recevrez pas d'autre message à ce sujet.\n\n"
        f"— L'équipe de rédaction de « {site_name} »\n"
    )
    return Draft(recipient=recipient, subject=f"Votre question a une réponse — {site_name}", body=body)
