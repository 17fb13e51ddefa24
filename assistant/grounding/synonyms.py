"""The domain's synonyms, as the call pack lists them (`knowledge/calls/<id>/synonyms.yaml`): ways of saying what the
call says in other words (« en ligne » for « dématérialisé », « soutien » for « accompagnement »).

The checker rewrites a sentence into the call's wording before comparing it (one more encoding, only when a synonym
was found), and counts shared words on both sides in that wording.

>>> s = Synonyms(groups=[["dématérialisé", "en ligne"], ["accompagnement", "soutien"]])
>>> s.rewrite("Le dépôt se fait en ligne, avec un soutien.")
('Le dépôt se fait dématérialisé, avec un accompagnement.', [('en ligne', 'dématérialisé'), ('soutien', 'accompagnement')])
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..criteria import load_pack_file
from ..text_fr import analyse, fold_keeping_offsets


def _fold_same_length(text: str) -> str:
    """`fold_keeping_offsets`, typographic apostrophes made plain (one character for one as well)."""
    return fold_keeping_offsets(text.replace("’", "'"))


PART_BREAK = re.compile(r"[:;.!?]\s+|\s+[—–]\s+")


def _parts(text: str) -> list[tuple[int, str]]:
    """(offset, text) of the parts of a passage between strong punctuation."""
    out, last = [], 0
    for match in PART_BREAK.finditer(text):
        out.append((last, text[last:match.start()]))
        last = match.end()
    return out + [(last, text[last:])]


def _any_of(folded_forms) -> re.Pattern:
    """Any of the forms as whole words, the longest first."""
    forms = sorted(folded_forms, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])")


class Synonyms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    groups: list[list[str]] = Field(default_factory=list, description="Each group: the call's wording first.")
    opposites: list[tuple[list[str], list[str]]] = Field(
        default_factory=list, description="Pairs of word groups that say the contrary of each other (« augmentent » / "
                                          "« réduisent »).")

    @field_validator("groups")
    @classmethod
    def _two_forms_at_least(cls, groups: list[list[str]]) -> list[list[str]]:
        for group in groups:
            if len(group) < 2 or not all(isinstance(f, str) and f.strip() for f in group):
                raise ValueError(f"groupe de synonymes incomplet : {group}")
        return groups

    @cached_property
    def _pattern(self) -> tuple[re.Pattern, dict[str, str]] | None:
        """One pattern for every other form (longest first), and the call's wording of each."""
        canonical: dict[str, str] = {}
        for group in self.groups:
            for form in group[1:]:
                canonical.setdefault(_fold_same_length(form.strip()), group[0].strip())
        if not canonical:
            return None
        return _any_of(canonical), canonical

    @cached_property
    def _opposites(self) -> list[tuple[re.Pattern, re.Pattern]]:
        def words(forms: list[str]) -> re.Pattern:
            return _any_of({_fold_same_length(f.strip()) for f in forms})
        return [(words(a), words(b)) for a, b in self.opposites]

    def opposite(self, claim: str, passage: str) -> tuple[str, str] | None:
        """(the claim's word, the passage's contrary word) when the claim says one side of a pair of opposites, and
        a part of the passage that speaks of the same things (two words in common) says the other side and not the
        claim's (« Ne pas réduire la PJJ à… : les visites … augmentent la délinquance » contradicts « réduisent »)."""
        folded_claim = _fold_same_length(claim)
        claim_words = set(analyse(claim))
        for one, other in self._opposites:
            for said, contrary in ((one, other), (other, one)):
                in_claim = said.search(folded_claim)
                if not in_claim or contrary.search(folded_claim):
                    continue
                for start, part in _parts(passage):
                    folded = _fold_same_length(part)
                    in_part = contrary.search(folded)
                    if in_part and not said.search(folded) and len(claim_words & set(analyse(part))) >= 2:
                        return (claim[in_claim.start():in_claim.end()],
                                passage[start + in_part.start():start + in_part.end()])
        return None

    def rewrite(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """`text` in the call's wording, and the (form found, the call's form) replaced."""
        if self._pattern is None:
            return text, []
        pattern, canonical = self._pattern
        folded = _fold_same_length(text)
        out, swaps, last = [], [], 0
        for match in pattern.finditer(folded):
            target = canonical[match.group(0)]
            if _fold_same_length(target) == match.group(0):
                continue
            out += [text[last:match.start()], target]
            swaps.append((text[match.start():match.end()], target))
            last = match.end()
        out.append(text[last:])
        return "".join(out), swaps


def load_synonyms(call_dir: Path) -> Synonyms:
    """The call pack's synonyms; none when it has no `synonyms.yaml`."""
    return load_pack_file(call_dir, "synonyms.yaml", Synonyms, "synonymes")
