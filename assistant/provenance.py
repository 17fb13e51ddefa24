"""Where a source comes from, as users read it: its kind (« Appel », « Fiche », « Document de la collectivité »)
and, for a document a user added, who added it and when.

Trust order when sources disagree on a fact of the call: the call, then the fiches, then the collectivity's own
documents (DESIGN.md); `rank` gives that order.

>>> kind_label("document local"), added_note("marie", "2026-12-04T22:50:00+00:00")
('Document de la collectivité', 'ajouté par marie le 4 décembre 2026')
"""

from __future__ import annotations

from datetime import datetime, timezone

# assistant.documents.Kind values -> what users call them
KIND_LABELS = {"appel": "Appel", "pratique": "Fiche", "référence": "Référence",
               "document local": "Document de la collectivité"}
RANKS = {"appel": 0, "pratique": 1, "référence": 1, "document local": 2}
ANONYMOUS = "anonyme"  # who added a document when the app runs without login
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind or "", "Source")


def rank(kind: str) -> int:
    """0 for the call, 1 for the knowledge base's fiches and references, 2 for a user's document."""
    return RANKS.get(kind or "", 2)


def now_iso() -> str:
    """The moment a document is added, in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def french_date(iso: str) -> str:
    """« 4 décembre 2026 » from an ISO timestamp; the text as given when it is not one."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{moment.day} {MONTHS_FR[moment.month - 1]} {moment.year}"


def added_note(added_by: str | None, added_at: str | None) -> str:
    """« ajouté par … le … », or "" when the store does not know (a document added before this was recorded)."""
    parts = ([f"par {added_by}"] if added_by else []) + ([f"le {french_date(added_at)}"] if added_at else [])
    return ("ajouté " + " ".join(parts)) if parts else ""
