"""« Que dit notre diagnostic sur… » : a question about the user's own documents is answered from them.

Without this, a fiche sentence that shares the question's words ("Éviter un diagnostic qui stigmatise un quartier")
could outrank the user's own diagnostic. Only questions that ask what the user's documents *say* qualify: "Comment
réaliser notre diagnostic ?" asks for method, which the fiches give.
"""

from __future__ import annotations

import re

# what a town hall uploads; not "projet" or "dossier", which name the application itself
DOCUMENT_WORDS = (r"(?:diagnostic|document|rapport|compte[- ]rendu|comptes[- ]rendus|note|étude|bilan|fichier"
                  r"|enquête|synthèse)s?")
REPORTING = (r"(?:que|qu['’]est-ce que|qu['’])\s*(?:dit|disent|contient|contiennent|indique|indiquent|montre|montrent"
             r"|relève|relèvent|révèle|révèlent|apprend|apprennent|mentionne|mentionnent|prévoit|prévoient)"
             r"|selon|d['’]après|dans|résumez?|résumer|résume")
ASKS_WHAT_OWN_DOCUMENTS_SAY = re.compile(
    rf"\b(?:{REPORTING})\s+(?:notre|nos|mon|mes|votre|vos)\s+{DOCUMENT_WORDS}\b"
    rf"|\b(?:notre|nos|mon|mes)\s+{DOCUMENT_WORDS}(?:\s+\w+)?\s+(?:dit|disent|indique|indiquent|montre|montrent"
    rf"|mentionne|mentionnent|prévoit|prévoient|relève|relèvent|révèle|révèlent)\b",
    re.I)


def asks_what_own_documents_say(question: str) -> bool:
    return bool(ASKS_WHAT_OWN_DOCUMENTS_SAY.search(question))
