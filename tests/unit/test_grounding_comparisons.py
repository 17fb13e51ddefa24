"""The comparison rules of the checker's seventh session (issue 14), without any model: proportions, approximate
numbers, negated comparisons, a denied restriction said as an addition, counts a sentence lists itself, the call's
axis lists cut by axis, and who does what (a passive verb's agent, whom a thing is for)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.grounding.agents import agent_mismatch
from assistant.grounding.axis_lists import axis_placement, axis_segments
from assistant.grounding.compare import compare_details
from assistant.grounding.details import PLAN_AXIS_LABEL, comparatives, extract_details, negation_conflict
from assistant.grounding.entities import EntityLexicon
from assistant.grounding.structure import stated_counts
from assistant.text_fr import analyse

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")
AXES = ("comporter au moins 1 action concrète dans chacun des axes suivants :\n\n"
        "- concevoir un projet de prévention et mobiliser une majorité des acteurs, institutionnels ou non, pouvant y "
        "contribuer : services prévention, préfecture, ARS, CAF, associations sportives, culturelles, de loisirs ;\n"
        "- protéger les plus jeunes : créer un environnement protecteur en mobilisant les compétences psychosociales "
        "et la parentalité ;\n"
        "- lutter contre l’attractivité des réseaux criminels ;\n"
        "- proposer des alternatives au trafic et occuper le terrain.")
INFOSTAT = ("en 2016, la moitié des mineurs reconnus coupables de trafic ont été condamnés à de l'emprisonnement, dont un "
            "sur sept avec une partie ferme.")


def kinds(claim: str, passage: str, counts=None) -> list[str]:
    found = compare_details(extract_details(claim, CRITERIA, claim=True), extract_details(passage, CRITERIA), set(),
                            {}, None, counts)
    return [m.kind for m in found if m.blocking]


# -- proportions and approximate numbers ------------------------------------------------------------------------
@pytest.mark.parametrize("claim", [
    "En 2016, un mineur sur deux reconnu coupable a été condamné à de l'emprisonnement, avec une partie ferme pour un "
    "sur sept.",
    "En 2016, 50 % des mineurs reconnus coupables ont été condamnés à de l'emprisonnement.",
])
def test_a_proportion_agrees_whatever_its_wording(claim):
    assert kinds(claim, INFOSTAT) == []


def test_another_proportion_is_a_mismatch_that_names_what_the_passage_says():
    found = compare_details(extract_details("En 2016, le quart des mineurs reconnus coupables ont été condamnés.",
                                            CRITERIA, claim=True), extract_details(INFOSTAT, CRITERIA), set(), {})
    assert [m.kind for m in found] == ["proportion"]
    assert "« le quart »" in found[0].message and "« la moitié »" in found[0].message


def test_an_approximate_number_covers_the_numbers_near_it_and_no_other():
    passage = "L'association a accompagné une vingtaine de jeunes, répartis en trois groupes."
    assert kinds("L'association a accompagné une vingtaine de jeunes.", passage) == []
    assert kinds("L'association a accompagné 20 jeunes.", passage) == []
    assert kinds("L'association a accompagné une centaine de jeunes.", passage) == ["nombre"]


# -- negation ---------------------------------------------------------------------------------------------------
def test_not_yet_fifteen_is_under_fifteen_not_a_denial():
    assert comparatives("dont certains n'ont pas encore quinze ans") == "dont certains ont moins de 15 ans"
    passage = "Ces adolescents, âgés parfois de moins de 15 ans, sont recrutés pour des tâches de surveillance."
    assert negation_conflict("Certains adolescents recrutés pour la surveillance n'ont pas encore 15 ans.",
                             passage) is None
    assert negation_conflict("Ces adolescents ne sont pas recrutés pour des tâches de surveillance.",
                             passage) == "added"


def test_a_denied_restriction_may_be_said_as_an_addition_and_a_removed_one_stays_caught():
    passage = "Ces axes ne sont pas exclusifs d'autres mesures qui pourraient être jugées pertinentes."
    assert negation_conflict("En plus des quatre axes, la collectivité peut prévoir d'autres mesures pertinentes.",
                             passage) is None
    assert negation_conflict("Ces axes sont exclusifs d'autres mesures.", passage) == "removed"
    assert negation_conflict("Le dépôt n'est pas exclusivement dématérialisé : un dossier papier est aussi accepté.",
                             "DÉPÔT DES PROJETS (uniquement dématérialisé)") == "added"


# -- counts a sentence lists itself -----------------------------------------------------------------------------
def test_a_sentence_that_lists_its_items_establishes_their_count():
    def counted(part):
        return extract_details(part, claim=True).counted

    claim = ("Lutter contre les idées reçues, soutenir les parents et renforcer les compétences psychosociales : ce "
             "sont les trois leviers de l'appel.")
    assert stated_counts(claim, counted) == {(3, "levie"): "la phrase en énumère 3"}
    assert kinds(claim, "en luttant contre les idées reçues, en soutenant les parents",
                 stated_counts(claim, counted)) == []
    wrong = claim.replace("trois", "quatre")
    assert stated_counts(wrong, counted) == {}
    assert kinds(wrong, "en luttant contre les idées reçues", stated_counts(wrong, counted)) == ["nombre"]


# -- the call's axis lists --------------------------------------------------------------------------------------
LABELS = {a.id: a.short or a.label for a in CRITERIA.axes}


def axis_kinds(claim: str, found) -> list:
    """The mismatches of `claim` against the list, read as the checker reads a passage of the call."""
    unit = extract_details(AXES, CRITERIA)
    return compare_details(extract_details(claim, CRITERIA, claim=True), unit, unit.axes, LABELS, placement=found)


def placement(claim: str):
    axes = extract_details(claim, CRITERIA, claim=True).axes
    return axes, axis_placement(set(analyse(claim)), axes, AXES, CRITERIA)


def test_the_calls_list_is_cut_where_it_names_each_axis():
    assert [axis for axis, _ in axis_segments(AXES, CRITERIA)] == [None, "pilotage", "protection", "attractivite",
                                                                   "alternatives"]


@pytest.mark.parametrize("claim", [
    "Lutter contre l'attractivité des réseaux criminels et proposer des alternatives au trafic en occupant le terrain "
    "font partie des axes d'intervention.",
    "La CAF, l'ARS et les associations sportives figurent parmi les acteurs que le premier axe invite à mobiliser.",
])
def test_a_sentence_that_lists_axes_or_says_what_one_holds_is_placed_under_its_axes(claim):
    axes, found = placement(claim)
    assert axes and found.misplaced == {} and found.placed_share >= 0.5
    assert axis_kinds(claim, found) == []


def test_a_sentence_that_puts_an_axis_content_in_another_axis_is_caught_and_says_where_it_belongs():
    claim = ("Créer un environnement protecteur en mobilisant les compétences psychosociales et la parentalité relève "
             "de l'axe « lutter contre l'attractivité des réseaux criminels ».")
    axes, found = placement(claim)
    assert axes == {"attractivite"} and {"protection"} <= set().union(*found.misplaced.values())
    [mismatch] = axis_kinds(claim, found)
    assert mismatch.kind == "axe"
    assert mismatch.message.endswith("le passage le range sous l'axe « Protéger les plus jeunes »")


def test_something_the_list_does_not_hold_is_not_placed_in_an_axis_by_it():
    claim = "Le théâtre-forum au collège relève de l'axe « lutter contre l'attractivité des réseaux criminels »."
    _, found = placement(claim)
    assert found.placed_share < 0.5
    assert [m.message for m in axis_kinds(claim, found)] == [
        "le passage énumère les axes de l'appel sans rattacher ceci à l'un d'eux"]


# -- who does what ----------------------------------------------------------------------------------------------
LEXICON = EntityLexicon.build(CRITERIA, [])  # the call's actors and their aliases


def names(text: str) -> set[str]:
    return {key for key in LEXICON.offered(text) if not key.startswith("name:")}


CLSPD = ("Le conseil local (CLSPD), ou sa version intercommunale (CISPD) présidée par le président de l'EPCI, est "
         "l'instance où le maire réunit le préfet, le procureur et le monde associatif.")


def test_a_passive_verbs_agent_must_be_the_one_the_passage_gives_for_that_verb():
    assert "préfet" in agent_mismatch("Le CISPD est présidé par le préfet du département.", CLSPD, names)
    assert agent_mismatch("Le CISPD est présidé par le président de l'EPCI.", CLSPD, names) is None
    assert agent_mismatch("L'action est portée par la CAF.", "L'action est portée, depuis 2019, par la CAF.",
                          names) is None
    assert agent_mismatch("Le CLSPD est réuni par le maire.", "Le maire réunit le CLSPD chaque année.", names) is None


def test_an_agent_the_passage_gives_is_contradicted_only_by_another_actor_in_the_verbs_clause():
    # an agent the lexicon does not know (« une circulaire »), which the passage gives, is left to the similarity
    chantier = "Un chantier confie à des jeunes, encadrés par un éducateur, des travaux courts."
    assert agent_mismatch("Les chantiers sont encadrés par une circulaire de 1999.",
                          chantier + " Le cadre est la circulaire de 1999.", names) is None
    assert "circulaire" in agent_mismatch("Les chantiers sont encadrés par une circulaire de 1999.", chantier, names)
    # the passage uses the verb without naming anyone there (« des conduites addictives »), and names the agent
    # elsewhere: nothing contradicts it
    assert agent_mismatch("L'action, conduite par la PJJ, a duré deux ans.",
                          "À long terme, moins de conduites addictives. En France, la PJJ l'a menée deux ans.",
                          names) is None
    # another actor in the verb's clause is positive evidence against it
    assert "PJJ" in agent_mismatch("L'action est conduite par la PJJ.", "L'action est conduite par la CAF.", names)


def test_an_agent_named_in_another_form_is_the_same_agent():
    assert agent_mismatch("L'action est financée par l'ARS.", "L'action est financée par l'agence régionale de "
                                                              "santé.", names) is None
    assert "CAF" in agent_mismatch("L'action est financée par la CAF.", "L'action est financée par l'ARS.", names)


def test_whom_a_thing_is_for_must_be_in_the_passage_when_it_is_an_institution():
    call = "Appel à projets national MILDECA 2024 à destination des communes et intercommunalités"
    assert "départements" in agent_mismatch("L'appel s'adresse aux départements.", call, names)
    assert agent_mismatch("L'appel s'adresse aux communes et aux intercommunalités.", call, names) is None
    assert agent_mismatch("Les MDA s'adressent aux communes.",
                          "Elles s'adressent à trois publics : les communes, les associations.", names) is None
    # a public in other words is left to the similarity and the ages
    assert agent_mismatch("Le programme s'adresse aux jeunes de 11 à 14 ans.",
                          "Le programme est destiné aux collégiens de 11 à 14 ans.", names) is None


# -- a plan's lines (session 13) ----------------------------------------------------------------------------------
PRIMAVERA = ("Primavera suit les mêmes enfants pendant quatre ans, du CM1 à la 5e, en reliant les écoles primaires et "
             "le collège d'un même secteur.")


def test_an_axis_label_names_an_axis_and_counts_nothing():
    def found(claim):  # against the Primavera fiche, filed under axis 2
        return [m.kind for m in compare_details(extract_details(claim, CRITERIA, claim=True),
                                                extract_details(PRIMAVERA, CRITERIA), {"protection"}, {}) if m.blocking]
    claim = "Axe 2 — Action : Primavera, qui suit les mêmes enfants pendant quatre ans, du CM1 à la 5e."
    assert 2 not in extract_details(claim, CRITERIA, claim=True).numbers and PLAN_AXIS_LABEL.match(claim)
    assert found(claim) == []
    assert found("Axe 2 — Action : Primavera, qui suit les mêmes enfants pendant six ans.") == ["nombre"]


def test_an_axis_the_passage_names_otherwise_is_still_a_mismatch():
    found = compare_details(extract_details("Primavera relève de l'axe 3.", CRITERIA, claim=True),
                            extract_details(PRIMAVERA, CRITERIA), {"protection"}, {a.id: a.short for a in CRITERIA.axes})
    assert "axe" in [m.kind for m in found]
