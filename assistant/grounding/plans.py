"""A plan's actions as the checker reads them: title, description and the fiches cited in `sources`.

Only `actions[*].title/description/sources` are read, so a plan object, its dict or its JSON all do, and the rest of
the plan's shape may change freely.
"""

from __future__ import annotations

import json

from ..errors import InvalidInput
from ..knowledge_base import KnowledgeBase
from ..retrieval import merge_neighbours
from .sources import Source


def plan_data(plan) -> dict:
    if isinstance(plan, (str, bytes)):
        try:
            plan = json.loads(plan)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"Le plan n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno}).") from exc
    if hasattr(plan, "model_dump"):
        plan = plan.model_dump(mode="json")
    if not isinstance(plan, dict) or not isinstance(plan.get("actions"), list):
        raise InvalidInput("Ce n'est pas un plan d'actions : la liste « actions » manque.")
    return plan


def fiche_sources(chunks: list) -> list[Source]:
    """Every section of a fiche, as one passage each (the chunks of a section joined)."""
    chunks = sorted(chunks, key=lambda c: c.position)
    passages = merge_neighbours(chunks, {c.id: 0.0 for c in chunks}, {}, {}, k=len(chunks))
    return [Source.from_passage(p) for p in passages]


def plan_actions(plan, kb: KnowledgeBase) -> list[tuple[str, str, list[Source]]]:
    """(title, description, passages of the fiches the action cites) for each action of the plan."""
    actions = plan_data(plan)["actions"]
    for i, action in enumerate(actions, 1):
        if not isinstance(action, dict):
            raise InvalidInput(f"L'action n° {i} du plan est mal formée.")
    cited = {s for a in actions for s in a.get("sources") or [] if isinstance(s, str)}
    by_doc: dict[str, list] = {}
    for chunk in kb.store.all_chunks() if cited else []:
        if chunk.doc_id in cited:
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
    sources = {doc_id: fiche_sources(chunks) for doc_id, chunks in by_doc.items()}
    return [(str(a.get("title") or f"Action {i}"), str(a.get("description") or ""),
             [p for doc_id in a.get("sources") or [] if isinstance(doc_id, str) for p in sources.get(doc_id, [])])
            for i, a in enumerate(actions, 1)]
