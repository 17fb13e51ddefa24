"""Drafting without an LLM: the picked fiches turned into actions for this territory.

Each action names the territory and its ages, puts the partners it already has first and the missing ones next,
spreads over the usual 24 months, takes the fiche's indicators and cites the fiche. The words come from the fiche
(its description and its implementation steps) and from the profile; nothing else is invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..criteria import CallCriteria, _fold
from ..errors import ConfigurationError, InvalidInput
from ..loaders import Practice
from ..sentences import split_sentences
from .actors import ActorMatcher
from .models import MIN_DESCRIPTION_WORDS, ActionPlan, FicheRef
from .profile import euros
from .profile import Profile
from .conditions import territory_facts
from .partners import merge_partners
from .selection import GOVERNANCE_FICHE, Candidate, FicheSelector, needs_qpv
from .templates import calendar, cost, lead_text, public_text

EVALUATION_FICHE = "evaluation-plan-local"
# actor categories that usually run an action on the ground (and can co-lead it with the collectivité)
OPERATORS = ("associations", "departement", "bailleurs", "caf", "education_nationale", "ars", "pjj")
MAX_PARTNERS = 9


def _plain(text: str) -> str:
    """Markdown emphasis and links removed, spaces normalised."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)", "", text)
    return " ".join(text.split())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=128)
def folded_body(body: str) -> str:
    """A fiche's text folded once (accents, case, punctuation), padded for whole-word lookups."""
    return f" {_fold(body)} "


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def clean_partners(items: Sequence[str]) -> list[str]:
    """Front-matter lists sometimes split « Éducation nationale (établissements, CIO, MLDS) » on its commas."""
    out: list[str] = []
    pending = ""
    for item in items:
        pending = f"{pending}, {item}" if pending else item
        if pending.count("(") <= pending.count(")"):
            out.append(pending.strip())
            pending = ""
    if pending:
        out.append(pending.rstrip(",") + ")")
    return out


# an intercommunalité's name takes an article: « la communauté de communes… », « la métropole… »
FEMININE_BODIES = re.compile(r"^(communaut[ée]|m[ée]tropole)\b", re.I)
# police and gendarmerie share the ground by zone: a territory that names one does not need the other
ZONE_FORCES = ("police_nationale", "gendarmerie")
COUNCIL = re.compile(r"\b(clspd|cispd|conseil (local|intercommunal) de securite)")  # on folded text


DORMANT = re.compile(r"(ne se reunit plus|ne s'est plus reuni|ne s'est pas reuni|plus reuni|en sommeil|inactif|"
                     r"a l'arret|ne fonctionne plus)(?:[^.;]*?depuis (\d{4}))?")


def council_dormant(context: str) -> str | None:
    """For a context that says the council no longer meets: the year since when (« » if not given); else None."""
    text = _fold(context)
    for sentence in re.split(r"[.;]", text):
        if COUNCIL.search(sentence) and (match := DORMANT.search(sentence)):
            return match.group(2) or ""
    return None


class Territory:
    """The phrases of a profile that actions reuse."""

    def __init__(self, profile: Profile, criteria: CallCriteria, matcher: ActorMatcher | None = None):
        self.profile, self.criteria = profile, criteria
        self.matcher = matcher or ActorMatcher(criteria)
        low, high = profile.age_range
        self.ages = (low, high)
        self.is_interco = profile.kind == "intercommunalite"
        name = f"la {profile.name}" if FEMININE_BODIES.match(profile.name) else profile.name
        self.at = f"sur le territoire de {name}" if self.is_interco else f"à {profile.short_name}"
        self.of = f"de {name}" if self.is_interco else f"de {profile.short_name}"
        text = _fold(" ".join([*profile.existing_partners, profile.context]))
        self.has_council = bool(COUNCIL.search(text))
        self.has_group = bool(re.search(r"groupe (thematique|de travail|restreint)|cellule de veille", text))
        self.council_dormant = council_dormant(profile.context)
        self.facts = territory_facts(profile)
        self.named = set().union(*(self.actors_of(p) for p in profile.existing_partners)) \
            if profile.existing_partners else set()
        if self.named & set(ZONE_FORCES):
            self.named |= set(ZONE_FORCES)  # the other force is covered too, not missing

    def actors_of(self, text: str) -> set[str]:
        return self.matcher.actors_in(text)

    def roles_present(self, roles: Sequence[str]) -> list[str]:
        """The roles this territory can have: no social landlord without social housing, no collège where the
        profile says there is none."""
        def absent(role: str) -> bool:
            folded = _fold(role)
            return ((self.matcher.category_of(role) == "bailleurs" and not self.facts["logement_social"])
                    or (" colleg" in f" {folded}" and not self.facts["college"] and "ecole" not in folded))
        return [r for r in roles if not absent(r)]

    def head(self, lead: str) -> str:
        """An intercommunalité is led by its president, not a mayor."""
        return re.sub(r"^maire\b", "président", lead) if self.is_interco else lead

    def existing_for(self, practice: Practice, axis: str) -> list[str]:
        """The profile's partners that this fiche involves (named in it, or of the same category as its partners).
        The prevention council steers the whole plan: it is a partner of the steering axis's actions only."""
        fiche_actors = self.actors_of(" ; ".join(practice.meta.partners) + " " + practice.section("Partenaires"))
        body = folded_body(practice.body)
        return [p for p in self.profile.existing_partners
                if (f" {_fold(p)} " in body or self.actors_of(p) & fiche_actors)
                and (axis == self.criteria.steering_axis or not COUNCIL.search(_fold(p)))]

    @staticmethod
    def named_in(practice: Practice, partners: Sequence[str]) -> list[str]:
        body = folded_body(practice.body)
        return [p for p in partners if f" {_fold(p)} " in body]

    def missing_for(self, practice: Practice, existing: Sequence[str]) -> list[str]:
        known = {_fold(p) for p in self.profile.existing_partners}
        out = []
        for partner in clean_partners(practice.meta.partners):
            actors = self.actors_of(partner)
            if _fold(partner) in known or (actors and actors <= self.named):
                continue
            out.append(partner)
        return out[: max(0, MAX_PARTNERS - len(existing))]


def _first_sentences(practice: Practice, min_words: int = 18, max_words: int = 75) -> str:
    sentences = [_plain(s) for s in split_sentences(practice.section("Description"))]
    chosen: list[str] = []
    for sentence in sentences:
        if chosen and len(" ".join(chosen + [sentence]).split()) > max_words:
            break
        chosen.append(sentence)
        if len(" ".join(chosen).split()) >= min_words:
            break
    return " ".join(chosen)


def _at_least_concrete(sentences: list[str], practice: Practice) -> str:
    """The description, lengthened from the fiche itself if a terse fiche left it under the concrete minimum."""
    text = " ".join(sentences)
    if len(re.findall(r"\w+", text)) < MIN_DESCRIPTION_WORDS:
        text += f" Public visé par la fiche : {practice.meta.public}. Suivi : {' ; '.join(practice.meta.indicators)}."
    return text


def implementation_steps(practice: Practice, limit: int = 4) -> list[str]:
    """The bold heads of the fiche's numbered steps (« Contacter le développeur régional », …)."""
    steps = re.findall(r"^\s*\d+\.\s+\*\*(.+?)\*\*", practice.section("Mise en œuvre par une collectivité"), re.M)
    return [_lower_first(_plain(s).rstrip(" :.")) for s in steps[:limit]]


def _named_council(cost_data: dict, council: str) -> dict:
    """The items to cost name the territory's council, as the action's text does."""
    return {**cost_data, "items": [i.replace("conseil de prévention", council) for i in cost_data["items"]]}


class CatalogueDrafter:
    """`draft(profile)` → a validated `ActionPlan` in mode « catalogue »."""

    def __init__(self, selector: FicheSelector, criteria: CallCriteria):
        self.selector, self.criteria = selector, criteria
        self.practices = {p.meta.id: p for p in selector.practices}
        self.matcher = ActorMatcher(criteria)
        self.category_labels = {a.id: a.label for a in criteria.actors}

    # -- the whole plan ------------------------------------------------------------------------------------
    def draft(self, profile: Profile, notice: str | None = None) -> ActionPlan:
        picks = self.selector.pick(profile, self.selector.rank(profile))
        empty = [self.criteria.axis(axis) for axis in self.criteria.axis_ids if not picks.get(axis)]
        unfit = [a for a in empty if any(a.id in p.meta.axes for p in self.practices.values())]
        if unfit:
            low, high = profile.age_range
            raise InvalidInput(
                f"Aucune action du catalogue ne convient aux jeunes de {low} à {high} ans de ce territoire pour "
                + " ; ".join(f"l'axe {a.number} « {a.short} »" for a in unfit)
                + ". Élargissez la tranche d'âge visée (par exemple 11-17) ou précisez le contexte local "
                  "(collège, quartier prioritaire, logements sociaux…).")
        if empty:
            raise ConfigurationError(
                "Impossible de rédiger un plan complet : la base ne contient aucune fiche de bonne pratique pour "
                + " ; ".join(f"l'axe {a.number} « {a.short} » ({a.id})" for a in empty)
                + ". Ajoutez des fiches dans knowledge/practices/ (format : knowledge/README.md).")
        territory = Territory(profile, self.criteria, self.matcher)
        actions = [self.action(c, territory, rank) for axis in self.criteria.axis_ids
                   for rank, c in enumerate(picks.get(axis, []))]
        return self.assemble(profile, actions, mode="catalogue", notice=notice)

    def assemble(self, profile: Profile, actions: list[dict], *, mode: str, notice: str | None,
                 summary: str | None = None, objectives: list[dict] | None = None, governance: dict | None = None,
                 evaluation: dict | None = None) -> ActionPlan:
        """The plan around a list of actions; parts not given are built from the profile and the catalogue."""
        territory = Territory(profile, self.criteria, self.matcher)
        governance = governance or self.governance(territory)
        evaluation = evaluation or self.evaluation(territory)
        order = {axis: i for i, axis in enumerate(self.criteria.axis_ids)}
        actions = sorted(actions, key=lambda a: order.get(a.get("axis"), len(order)))  # stable: keeps ranks
        used = [s for a in actions for s in a.get("sources", [])] + governance.get("sources", []) + \
            evaluation.get("sources", [])
        data = {
            "call_id": self.criteria.id, "profile": profile.model_dump(), "mode": mode, "notice": notice,
            "summary": summary or self.summary(territory),
            "objectives": objectives if objectives is not None else self.objectives(territory, actions),
            "actions": actions, "governance": governance, "evaluation": evaluation,
            "fiches": [self.fiche_ref(i).model_dump() for i in dict.fromkeys(used) if i in self.practices],
        }
        return ActionPlan.model_validate(data, context={"criteria": self.criteria})

    def fiche_ref(self, fiche_id: str) -> FicheRef:
        meta = self.practices[fiche_id].meta
        return FicheRef(id=meta.id, title=meta.title, evidence=meta.evidence, references=[s.cite() for s in meta.sources])

    # -- parts ---------------------------------------------------------------------------------------------
    def action(self, candidate: Candidate, territory: Territory, rank: int) -> dict:
        practice, profile = candidate.practice, territory.profile
        if candidate.id == GOVERNANCE_FICHE:
            return self._governance_action(practice, candidate.axis, territory)
        fit = candidate.fit
        template, ages = fit.template, fit.ages
        months = profile.duration_months
        council = profile.council
        lead = territory.head(lead_text(template, territory.of)).replace("conseil de prévention", council)
        partners, new = merge_partners(territory.roles_present(template.partners), profile.existing_partners, lead,
                                       self.matcher, self.category_labels)
        where = ""
        if profile.qpv_count and ("qpv" in template.requires or needs_qpv(practice.meta.public)) \
                and "quartier" not in template.public:
            where = (" du quartier prioritaire" if profile.qpv_count == 1
                     else f" des {profile.qpv_count} quartiers prioritaires")
        public = public_text(template, ages).replace("conseil de prévention", council)
        steps = [step.replace("conseil de prévention", council) for step in template.steps]
        sentences = [f"{_upper_first(territory.at)}, l'action s'adresse aux {public}{where}.", *steps]
        if candidate.problems:
            sentences.append(f"Elle répond aux problèmes relevés localement : {', '.join(candidate.problems)}.")
        return {
            "axis": candidate.axis, "title": template.title, "description": " ".join(sentences),
            "steps": steps, "public": f"{public}{where}",
            "lead": lead, "partners": partners, "new_partners": new,
            "calendar": calendar(self.criteria.axis(candidate.axis).start_month + 2 * rank,
                                 template.duration_months, months),
            "indicators": list(template.indicators), "finalites": self._finalites(practice, profile),
            "sources": [practice.meta.id], "budget_eur": None,
            "cost": _named_council(cost(template, min(months, template.duration_months)), council),
            "origin": "catalogue",
        }

    def _governance_action(self, practice: Practice, axis: str, territory: Territory) -> dict:
        profile, council = territory.profile, territory.profile.council
        template = practice.meta.actions[0] if practice.meta.actions else None
        group = "un groupe thématique « jeunes et trafics »"
        if territory.council_dormant is not None:
            since = f" depuis {territory.council_dormant}" if territory.council_dormant else ""
            title = f"Relancer le {council}, qui ne se réunit plus{since}, avec {group}"
            opening = (f"Le {council} {territory.of} ne se réunit plus{since} : le "
                       f"{'président' if territory.is_interco else 'maire'} le réactive par arrêté, le réunit en "
                       f"séance plénière et y crée {group} qui pilote le plan.")
        elif not territory.has_council:
            title = f"Installer le {council} {territory.of} et son groupe thématique « jeunes et trafics »"
            opening = (f"Aucun {council} n'est mentionné {territory.at} : le projet commence par l'installer et par "
                       f"créer en son sein {group} qui pilote le plan.")
        elif not territory.has_group:
            title = f"Créer au sein du {council} {group}"
            opening = (f"Le {council} {territory.of} n'a pas encore de groupe consacré aux jeunes et aux trafics : "
                       "le projet le crée, avec un mandat écrit (diagnostic partagé, plan d'actions, suivi).")
        else:
            title = f"Faire du groupe thématique du {council} l'instance de pilotage du projet"
            opening = (f"Le groupe de travail du {council} {territory.of} devient l'instance de pilotage du projet "
                       f"déposé pour l'appel {self.criteria.name}, avec la liste de ses membres et son calendrier.")
        steps = [s.replace("conseil de prévention", council) for s in (template.steps if template else [])]
        lead = (f"{'président' if territory.is_interco else 'maire'} {territory.of}, avec le coordonnateur du "
                f"{council}")
        roles = territory.roles_present(template.partners if template else clean_partners(practice.meta.partners))
        partners, new = merge_partners(roles, [p for p in profile.existing_partners], lead, self.matcher,
                                       self.category_labels)
        months = profile.duration_months
        return {
            "axis": axis, "title": title, "description": " ".join([opening, *steps]), "steps": steps,
            "public": (template.public if template else practice.meta.public).replace("conseil de prévention", council),
            "lead": lead, "partners": partners, "new_partners": new,
            "calendar": {"start_month": 1, "end_month": months, "phases": [
                {"label": "installation (mandat, composition, charte)", "start_month": 1, "end_month": 3},
                {"label": "réunions trimestrielles et suivi du plan", "start_month": 4, "end_month": months}]},
            "indicators": list(template.indicators if template else practice.meta.indicators),
            "finalites": self._finalites(practice, territory.profile), "sources": [practice.meta.id],
            "budget_eur": None, "cost": _named_council(cost(template, months), council) if template else None,
            "origin": "catalogue",
        }

    @staticmethod
    def _finalites(practice: Practice, profile: Profile) -> list[str]:
        finalites = practice.meta.finalites
        return [f for f in finalites if f in profile.priority_finalites] + \
            [f for f in finalites if f not in profile.priority_finalites]

    def summary(self, territory: Territory) -> str:
        p = territory.profile
        population = f"{p.population:,}".replace(",", " ")
        qpv = (f"compte {plural(p.qpv_count, 'quartier prioritaire', 'quartiers prioritaires')} de la politique "
               "de la ville" if p.qpv_count
               else "ne compte aucun quartier prioritaire de la politique de la ville")
        kind = next((a.label for a in self.criteria.eligible_applicants if a.id == p.kind), p.kind)  # the call's word
        parts = [f"{p.name}, {kind} de {population} habitants, {qpv}."]
        if p.context:
            parts.append(f"Situation décrite : {p.context.rstrip('.')}.")
        if p.problems:
            parts.append(f"Problèmes constatés : {', '.join(p.problems)}.")
        parts.append(f"Partenaires déjà engagés : {', '.join(p.existing_partners)}." if p.existing_partners
                     else "Aucun partenaire n'est encore engagé.")
        finalites = " ; ".join(self.criteria.finalite(f).label for f in p.priority_finalites)
        parts.append(f"Le plan vise les jeunes de {territory.ages[0]} à {territory.ages[1]} ans, sur "
                     f"{p.duration_months} mois, et poursuit en priorité les finalités suivantes : {finalites}.")
        if p.budget_eur is not None:
            parts.append(f"Enveloppe demandée ({self.criteria.publisher}) : {euros(p.budget_eur)}.")
        if p.cofunders:
            parts.append(f"Cofinanceurs déjà engagés : {', '.join(c.describe() for c in p.cofunders)}.")
        return " ".join(parts)

    def objectives(self, territory: Territory, actions: list[dict]) -> list[dict]:
        """One objective per priority finalité, with a target from the profile's figures where it gives them,
        else an explicit « à fixer » with the month the starting value is measured."""
        p, out = territory.profile, []
        months = p.duration_months
        for finalite in p.priority_finalites:
            label = self.criteria.finalite(finalite).label
            serving = [a for a in actions if finalite in a.get("finalites", [])]
            statement = f"{_upper_first(label)} ({territory.at}, pour les jeunes de {territory.ages[0]} à " \
                        f"{territory.ages[1]} ans)."
            # the indicator of an action whose fiche is mainly about this finalité speaks best for it
            serving.sort(key=lambda a: (self._main_finalite(a) != finalite, a["axis"] == self.criteria.steering_axis))
            if finalite == "dynamique_partenariale" or not serving:
                mobilised = {a for action in actions for x in [action.get("lead", ""), *action.get("partners", [])]
                             for a in territory.actors_of(x)}
                indicator = "catégories d'acteurs citées par l'appel engagées dans le plan"
                target = (f"{len(mobilised)} des {len(self.criteria.actors)} catégories d'acteurs engagées d'ici le "
                          "mois 6 ; groupe thématique réuni 4 fois par an")
            else:
                first = serving[0]
                indicator = first["indicators"][0]
                start = first["calendar"]["start_month"]
                target = self._target(territory, first, indicator, start, months)
            out.append({"finalite": finalite, "statement": statement, "indicator": indicator, "target": target})
        return out

    def _target(self, territory: Territory, action: dict, indicator: str, start: int, months: int) -> str:
        p = territory.profile
        practice = self.practices.get(next(iter(action.get("sources") or []), ""))
        requires = next((t.requires for t in practice.meta.actions if t.title == action["title"]), []) \
            if practice else []
        folded = _fold(indicator)
        if p.colleges and ("college" in requires or "college" in folded):
            return (f"{plural(p.colleges, 'collège', 'collèges')} du territoire sur {p.colleges} engagé"
                    f"{'s' if p.colleges > 1 else ''} d'ici le mois {min(months, start + 11)}")
        base = f"à fixer : valeur de départ au mois {min(months, start + 2)}"
        if p.young_people and re.search(r"\bjeunes\b", folded):
            count = f"{p.young_people:,}".replace(",", "\u202f")
            return (f"{base}, rapportée aux {count} jeunes de {territory.ages[0]} à {territory.ages[1]} ans du "
                    f"territoire ; cible au mois {months}")
        return f"{base} ; cible au mois {months} fixée à partir de cette valeur"

    def _main_finalite(self, action: dict) -> str | None:
        practice = self.practices.get(next(iter(action.get("sources") or []), ""))
        return practice.meta.finalites[0] if practice else None

    def governance(self, territory: Territory) -> dict:
        p, council = territory.profile, territory.profile.council
        chair = f"le président {territory.of} (président du {council})" if territory.is_interco else \
            f"le maire {territory.of} (président du {council})"
        committee = [x for x in p.existing_partners if not COUNCIL.search(_fold(x))]
        for actor in self.criteria.actors:
            if actor.id in territory.named or actor.id == "collectivite":
                continue
            if actor.id == "bailleurs" and not p.qpv_count and "espace_public" not in p.priority_finalites:
                continue
            if actor.id in ZONE_FORCES:
                forces = "police nationale ou gendarmerie nationale, selon la zone de compétence"
                if forces not in committee:
                    committee.append(forces)
                continue
            committee.append(actor.label)
        committee.insert(0, f"élu référent prévention et coordonnateur du {council} {territory.of}")
        coordinator = f"coordonnateur du {council}"
        if not territory.is_interco and p.population > 15000:
            coordinator += " (obligatoire au-delà de 15 000 habitants selon la fiche CLSPD / CISPD)"
        has_fiche = GOVERNANCE_FICHE in self.practices
        return {
            "steering_committee": committee, "chair": chair,
            "frequency": f"deux fois par an en comité de pilotage (lancement, bilan annuel), en séance du {council}",
            "working_group": (f"groupe thématique « jeunes et trafics » du {council} : une réunion par trimestre ; "
                              "groupe restreint, sous charte de confidentialité, pour les situations individuelles"),
            "coordinator": coordinator, "sources": [GOVERNANCE_FICHE] if has_fiche else [],
        }

    def evaluation(self, territory: Territory) -> dict:
        council = territory.profile.council
        assembly = "conseil communautaire" if territory.is_interco else "conseil municipal"
        has_fiche = EVALUATION_FICHE in self.practices
        return {
            "approach": ("Deux ou trois indicateurs par action, un de réalisation et un de résultat, posés dès le "
                         "départ ; chaque partenaire transmet ses données de suivi sous forme agrégée ; un tableau de "
                         f"bord est mis à jour chaque trimestre par le coordonnateur et présenté au groupe thématique "
                         f"du {council}."),
            "milestones": ["mois 3 : valeurs de départ des indicateurs",
                           "mois 12 : bilan annuel partagé, réorientation des actions qui ne trouvent pas leur public",
                           f"mois {territory.profile.duration_months} : bilan final présenté au {council}, au {assembly} et aux financeurs"],
            "sources": [EVALUATION_FICHE] if has_fiche else [],
        }
