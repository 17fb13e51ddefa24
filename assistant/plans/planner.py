"""`Planner`: a profile in, a validated `ActionPlan` out (catalogue, or LLM with its fallbacks); and the check."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from ..criteria import CallCriteria
from ..loaders import Practice
from ..knowledge_base import KnowledgeBase
from ..llm_structured import MethodMemory
from .catalogue import CatalogueDrafter
from .compliance import ComplianceReport, check_plan
from .generative import LLMDrafter
from .models import ActionPlan
from .profile import Profile, load_profile
from .selection import FicheSelector


class Planner:
    """
    >>> planner = Planner(criteria, load_practices(knowledge_dir), kb)  # doctest: +SKIP
    >>> plan = planner.draft({"name": "Commune de Grandval", ...})                        # doctest: +SKIP
    >>> planner.validate(plan).ok                                                          # doctest: +SKIP
    True
    """

    def __init__(self, criteria: CallCriteria, practices: Sequence[Practice], kb: KnowledgeBase | None,
                 model: BaseChatModel | None = None, *, timeout_s: float = 60.0, label: str = "llm",
                 context_tokens: int = 8192, structured: str = "auto", memory: MethodMemory | None = None):
        self.criteria = criteria
        self.selector = FicheSelector(practices, criteria, kb)
        self.catalogue = CatalogueDrafter(self.selector, criteria)
        self.llm = None if model is None else LLMDrafter(model, self.catalogue, criteria, timeout_s, label,
                                                            context_tokens, structured, memory)

    def draft(self, profile: Profile | dict | str | Path) -> ActionPlan:
        """A validated plan; `InvalidInput` (French, each bad field) when the profile is malformed."""
        profile = load_profile(profile, self.criteria)
        if self.llm is None:
            return self.catalogue.draft(profile)
        return self.llm.draft(profile)

    def validate(self, plan: ActionPlan | dict | str | bytes) -> ComplianceReport:
        return check_plan(plan, self.criteria, known_fiches=self.catalogue.practices.keys())
