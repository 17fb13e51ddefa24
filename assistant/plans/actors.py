"""Which of the call's actor categories a text names (accents, case and punctuation ignored), computed fast:
the aliases are folded once, not for every text."""

from __future__ import annotations

from ..criteria import CallCriteria, _fold


class ActorMatcher:
    """
    >>> from assistant.config import Settings; from assistant.criteria import load_criteria
    >>> matcher = ActorMatcher(load_criteria(Settings().call_dir))
    >>> sorted(matcher.actors_in("le bailleur social et la PJJ"))
    ['bailleurs', 'pjj']
    >>> matcher.category_of("association de prévention spécialisée")  # the most specific name wins
    'departement'
    """

    def __init__(self, criteria: CallCriteria):
        self._aliases = [(actor.id, tuple({f" {_fold(name)} " for name in (actor.label, *actor.aliases)}))
                         for actor in criteria.actors]

    def actors_in(self, text: str) -> set[str]:
        haystack = f" {_fold(text)} "
        return {actor for actor, names in self._aliases if any(name in haystack for name in names)}

    def category_of(self, text: str) -> str | None:
        """The category whose longest name appears in the text (« prévention spécialisée » beats « association »)."""
        haystack = f" {_fold(text)} "
        best = max(((len(name), actor) for actor, names in self._aliases for name in names if name in haystack),
                   default=None)
        return best[1] if best else None
