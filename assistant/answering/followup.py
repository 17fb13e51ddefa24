"""Follow-up questions: without an LLM, an elliptic question borrows the subject of the previous one."""

from __future__ import annotations

import re

from ..text_fr import analyse
from .models import Turn

ELLIPTIC_START = re.compile(r"^\s*(et|mais|alors|aussi|sinon|ensuite|puis|donc|pour|combien|qui|quand|où|ou|comment|"
                            r"quel|quelle|quels|quelles|est-ce|c'est|ça|cela|il|elle|ils|elles)\b", re.I)
REFERRING = re.compile(r"\b(ça|cela|ce dispositif|ce programme|cette action|cette fiche|il|elle|ils|elles|le|la|les|"
                       r"celui-ci|celle-ci|leur|y|en)\b", re.I)


def is_elliptic(question: str) -> bool:
    """Short, or starting like a continuation with few words of its own."""
    terms = analyse(question)
    if len(terms) <= 2:
        return True
    return len(terms) <= 4 and bool(ELLIPTIC_START.match(question) or REFERRING.search(question))


def retrieval_query(question: str, history: list[Turn]) -> str:
    """The question, preceded by the last user question when the new one cannot stand alone."""
    previous = next((t.content for t in reversed(history) if t.role == "user"), None)
    if previous and is_elliptic(question):
        return f"{previous} {question}"
    return question
