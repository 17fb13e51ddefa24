"""Which of the call's actor categories a text names (accents, case and punctuation ignored), computed fast:
the aliases are folded once, not for every text."""

from __future__ import annotations

from ..criteria import CallCriteria, _fold


class ActorMatcher:
    """
    >>> from assistant.config import Settings; from assistant.criteria import load_criteria
    >>> sorted(ActorMatcher(load_criteria(Settings().call_dir)).actors_in("le bailleur social et la PJJ"))
    ['bailleurs', 'pjj']
    """

    def __init__(self, criteria: CallCriteria):
        self._aliases = [(actor.id, tuple({f" {_fold(name)} " for name in (actor.label, *actor.aliases)}))
                         for actor in criteria.actors]

    def actors_in(self, text: str) -> set[str]:
        haystack = f" {_fold(text)} "
        return {actor for actor, names in self._aliases if any(name in haystack for name in names)}
