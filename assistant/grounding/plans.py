"""A plan's checks. `PlanChecker` checks what a plan claims against where it comes from (each action against the fiche
template it was filled from, the objectives against the call, the summary against the profile); `plan_actions` gives
the sentence checker an action's text with the passages of the fiches it cites, for what was rewritten.

Below, the plan's actions as the sentence checker reads them: title, description and the fiches cited in `sources`.

Only `actions[*].title/description/sources` are read, so a plan object, its dict or its JSON all do, and the rest of
the plan's shape may change freely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ..criteria import CallCriteria
from ..errors import InvalidInput
from ..knowledge_base import KnowledgeBase
from ..loaders import Practice
from ..retrieval import merge_neighbours
from ..sentences import split_sentences
from .models import GroundingReport, SentenceCheck, SourcePassage
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


# -- what a plan claims, checked against where it comes from ---------------------------------------------------
AGES_IN_TEXT = re.compile(r"\bde (\d{1,2}) à (\d{1,2}) ans\b")
ACTIONS_SECTION = "Actions proposées par la fiche"


def _fiche_passage(practice: Practice, excerpt: str, section: str = ACTIONS_SECTION) -> SourcePassage:
    return SourcePassage(doc_id=practice.meta.id, title=practice.meta.title, section=section, excerpt=excerpt)


def _profile_passage(excerpt: str) -> SourcePassage:
    return SourcePassage(doc_id="profil", title="Profil du territoire", section="", excerpt=excerpt)


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _step_forms(step: str) -> set[str]:
    """A template step as a plan may word it: « conseil de prévention » named as the territory's council."""
    return {_squash(step), *(_squash(step.replace("conseil de prévention", c)) for c in ("CLSPD", "CISPD"))}


class PlanChecker:
    """A plan's claims against their origin, in a fraction of a second: each action against the fiche's action
    template it was filled from (type of action, steps, ages, partners), the objectives against the call's finalités,
    the summary's facts against the profile. What was rewritten (an edited step, an LLM's action) goes to the
    sentence checker, against the passages of the fiches the action cites.

    >>> PlanChecker(criteria, practices, checker, kb).check(plan).summary  # doctest: +SKIP
    GroundingSummary(supported=58, weak=0, unsupported=0)
    """

    def __init__(self, criteria: CallCriteria, practices: Mapping[str, Practice], checker, kb: KnowledgeBase):
        from ..plans.actors import ActorMatcher

        self.criteria, self.practices, self.checker, self.kb = criteria, practices, checker, kb
        self.matcher = ActorMatcher(criteria)

    def check(self, plan) -> GroundingReport:
        data = plan_data(plan)
        profile = data.get("profile") if isinstance(data.get("profile"), dict) else {}
        per_action: list[list[SentenceCheck]] = []
        free: list[tuple[int, dict]] = []  # (index, action with only the text the templates do not cover)
        for i, action in enumerate(data["actions"]):
            if not isinstance(action, dict):
                raise InvalidInput(f"L'action n° {i + 1} du plan est mal formée.")
            checks, rest = self._action(action, profile)
            per_action.append(checks)
            if rest:
                free.append((i, {**action, "description": rest}))
        if free:
            report = self.checker.check_actions(plan_actions({"actions": [a for _, a in free]}, self.kb))
            by_title: dict[str, list[SentenceCheck]] = {}
            for sentence in report.sentences:
                by_title.setdefault(sentence.action or "", []).append(sentence)
            for i, action in free:
                per_action[i] += by_title.pop(str(action.get("title") or f"Action {i + 1}"), [])
        sentences = [s for checks in per_action for s in checks]
        sentences += self._objectives(data) + self._summary(data, profile)
        return GroundingReport.of(sentences)

    # -- actions ----------------------------------------------------------------------------------------------
    def _template(self, action: dict) -> tuple[Practice | None, object | None]:
        steps = [_squash(s) for s in action.get("steps") or [] if isinstance(s, str)]
        for fiche in action.get("sources") or []:
            practice = self.practices.get(fiche) if isinstance(fiche, str) else None
            if practice is None:
                continue
            for template in practice.meta.actions:
                known = {k for step in template.steps for k in _step_forms(step)}
                if _squash(action.get("title", "")) == _squash(template.title) or (steps and set(steps) <= known):
                    return practice, template
            return practice, None
        return None, None

    def _action(self, action: dict, profile: dict) -> tuple[list[SentenceCheck], str]:
        """The checks of one action, and the part of its description left for the sentence checker."""
        title = str(action.get("title") or "")
        practice, template = self._template(action)
        if practice is None or template is None:
            return [], str(action.get("description") or "")
        out: list[SentenceCheck] = []
        same_title = _squash(title) == _squash(template.title)
        out.append(SentenceCheck(
            text=f"Type d'action : {title}", verdict="supported" if same_title or template is practice.meta.actions[0]
            else "weak", passage=_fiche_passage(practice, template.title), action=title,
            reason=("l'action est celle que la fiche propose" if same_title else
                    "l'intitulé est formulé d'après le profil ; l'action est celle que la fiche propose")))
        known_steps = {form: step for step in template.steps for form in _step_forms(step)}
        rest = _squash(action.get("description") or "")
        for step in action.get("steps") or []:
            step = _squash(step)
            rest = rest.replace(step, " ")
            if step in known_steps:
                out.append(SentenceCheck(text=step, verdict="supported", action=title, reason="étape de l'action "
                                         "décrite par la fiche", passage=_fiche_passage(practice, known_steps[step])))
            else:
                rest += " " + step
        rest = self._opening_and_problems(rest, action, profile, practice, template, out)
        out += self._ages(action, profile, practice, template)
        out += self._partners(action, profile, practice, template)
        return out, " ".join(rest.split())

    def _opening_and_problems(self, rest: str, action: dict, profile: dict, practice, template, out) -> str:
        title = str(action.get("title") or "")
        problems = [p for p in profile.get("problems") or [] if isinstance(p, str)]
        for sentence in list(dict.fromkeys(s.strip() for s in re.split(r"(?<=\.)\s+", rest) if s.strip())):
            if sentence.startswith("Elle répond aux problèmes relevés localement"):
                listed = sentence.split(":", 1)[-1].rstrip(". ")
                ok = all(p.strip() in problems for p in listed.split(", ") if p.strip()) if problems else False
                out.append(SentenceCheck(text=sentence, verdict="supported" if ok else "unsupported", action=title,
                                         passage=_profile_passage("; ".join(problems)),
                                         reason="problèmes repris du profil" if ok else
                                         "ces problèmes ne sont pas ceux du profil"))
                rest = rest.replace(sentence, " ")
            elif "l'action s'adresse aux" in sentence:
                rest = rest.replace(sentence, " ")  # the public: checked with the ages below
            elif re.search(r"\b(CLSPD|CISPD)\b", sentence) and practice.meta.actions and \
                    template is practice.meta.actions[0] and re.search(r"ne se réunit plus|n'est mentionné|n'a pas "
                                                                       r"encore de groupe|devient l'instance", sentence):
                out.append(self._council_state(sentence, title, profile))
                rest = rest.replace(sentence, " ")
        return rest

    @staticmethod
    def _council_state(sentence: str, title: str, profile: dict) -> SentenceCheck:
        """The governance action's opening states what the profile says of the prevention council."""
        from ..plans.catalogue import COUNCIL, council_dormant
        from ..text_fr import fold

        context = str(profile.get("context") or "")
        told = fold(" ".join([context, *[p for p in profile.get("existing_partners") or [] if isinstance(p, str)]]))
        dormant = council_dormant(context)
        if "ne se réunit plus" in sentence:
            year = re.search(r"depuis (\d{4})", sentence)
            ok = dormant is not None and (not year or year.group(1) == dormant)
        elif "n'est mentionné" in sentence:
            ok = not COUNCIL.search(told)
        else:
            ok = bool(COUNCIL.search(told)) and dormant is None
        return SentenceCheck(text=sentence, verdict="supported" if ok else "unsupported", action=title,
                             passage=_profile_passage(_squash(context)[:300]),
                             reason="état du conseil de prévention repris du profil" if ok else
                             "ne correspond pas à ce que le profil dit du conseil de prévention")

    def _ages(self, action: dict, profile: dict, practice: Practice, template) -> list[SentenceCheck]:
        public = str(action.get("public") or "")
        match = AGES_IN_TEXT.search(public)
        if not match:
            return []
        low, high = int(match.group(1)), int(match.group(2))
        wanted = str(profile.get("target_ages") or "0-30").split("-")
        p_low, p_high = (int(wanted[0]), int(wanted[1])) if len(wanted) == 2 and all(w.isdigit() for w in wanted) \
            else (0, 30)
        inside = template.ages.min <= low < high <= template.ages.max
        in_profile = p_low <= low and high <= p_high
        reason = ("âges compris dans ceux de l'action de la fiche et dans la tranche d'âge du profil"
                  if inside and in_profile else
                  f"âges hors de ceux de la fiche ({template.ages.min}-{template.ages.max} ans)" if not inside else
                  f"âges hors de la tranche d'âge du profil ({p_low}-{p_high} ans)")
        return [SentenceCheck(text=f"Public : {public}", verdict="supported" if inside and in_profile else
                              "unsupported", action=str(action.get("title") or ""), reason=reason,
                              passage=_fiche_passage(practice, f"âges : {template.ages.min} à {template.ages.max} ans"))]

    def _partners(self, action: dict, profile: dict, practice: Practice, template) -> list[SentenceCheck]:
        from ..plans.partners import group_of

        roles = {group_of(self.matcher.category_of(r)) for r in [*template.partners, template.lead]}
        named = [p for p in profile.get("existing_partners") or [] if isinstance(p, str)]
        out = []
        for partner in action.get("partners") or []:
            if not isinstance(partner, str):
                continue
            category = group_of(self.matcher.category_of(partner))
            fits = category in roles
            out.append(SentenceCheck(
                text=f"Partenaire : {partner}", verdict="supported" if fits else "unsupported",
                action=str(action.get("title") or ""), passage=_fiche_passage(practice, "; ".join(template.partners)),
                reason=("rôle prévu par l'action de la fiche" + (" (partenaire déjà engagé selon le profil)"
                                                                  if any(n in partner for n in named) else "")
                        if fits else "la fiche ne prévoit pas ce type de partenaire pour cette action")))
        return out

    # -- the call and the profile -----------------------------------------------------------------------------
    def _objectives(self, data: dict) -> list[SentenceCheck]:
        out = []
        labels = {f.id: f.label for f in self.criteria.finalites}
        for objective in data.get("objectives") or []:
            if not isinstance(objective, dict):
                continue
            statement, finalite = str(objective.get("statement") or ""), objective.get("finalite")
            ok = finalite in labels and _squash(labels[finalite]).lower()[:40] in statement.lower()
            out.append(SentenceCheck(
                text=statement, verdict="supported" if ok else "weak",
                passage=SourcePassage(doc_id=self.criteria.id, title=self.criteria.title, section="Finalités",
                                      excerpt=labels.get(finalite, "")) if finalite in labels else None,
                reason="finalité citée telle que l'appel la formule" if ok else
                "objectif reformulé : à comparer à la finalité de l'appel"))
        return out

    def _summary(self, data: dict, profile: dict) -> list[SentenceCheck]:
        summary = str(data.get("summary") or "")
        if not summary or not profile:
            return []
        # one fact per item, kept apart so that two numbers side by side never read as one (« 2100 ; 60000 »)
        facts = " ; ".join([str(v) for v in profile.values() if isinstance(v, (str, int))] +
                           [str(x) for v in profile.values() if isinstance(v, list) for x in v])
        digits = set(re.findall(r"\d+", re.sub(r"(?<=\d)[\s\u202f\u00a0](?=\d{3})", "", facts)))
        out = []
        for sentence in split_sentences(summary):
            numbers = re.findall(r"\d+", re.sub(r"(?<=\d)[\s\u202f\u00a0](?=\d{3})", "", sentence))
            missing = [n for n in numbers if n not in digits]
            out.append(SentenceCheck(
                text=sentence, verdict="unsupported" if missing else "supported", passage=_profile_passage(
                    _squash(str(profile.get("context") or profile.get("name") or ""))[:300]),
                reason=(f"chiffre(s) absent(s) du profil : {', '.join(missing)}" if missing else
                        "fait repris du profil du territoire")))
        return out
