"""The checker's eleventh session (issue 14), without any model: a mission entrusted to someone, « la totalité des »,
a ratio the passage states itself, years reckoned from a start and a duration."""

from __future__ import annotations

from pathlib import Path

from assistant.criteria import load_criteria
from assistant.grounding.agents import agent_mismatch
from assistant.grounding.compare import compare_details
from assistant.grounding.details import extract_details
from assistant.grounding.entities import EntityLexicon

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")
LEXICON = EntityLexicon.build(CRITERIA, [])


def names(text: str) -> set[str]:
    return {key for key in LEXICON.offered(text) if not key.startswith("name:")}


LABELS = {a.id: a.short for a in CRITERIA.axes}


def mismatches(claim: str, passage: str) -> list:
    unit = extract_details(passage, CRITERIA)
    found = compare_details(extract_details(claim, CRITERIA, claim=True), unit, unit.axes, LABELS)
    return [m for m in found if m.blocking]


def test_whom_a_mission_is_entrusted_to_must_be_the_passages():
    passage = "La prévention spécialisée est une mission de protection de l'enfance confiée au département."
    assert "communes" in agent_mismatch("La prévention spécialisée est une mission confiée aux communes.", passage,
                                        names)
    assert agent_mismatch("La prévention spécialisée est une mission confiée au département.", passage, names) is None


def test_the_whole_of_something_is_a_scope_the_passage_must_give():
    passage = "L'appel demande de mobiliser une majorité des acteurs, institutionnels ou non."
    found = mismatches("L'appel demande de mobiliser la totalité des acteurs institutionnels.", passage)
    assert [m.kind for m in found] == ["portée"]
    assert mismatches("L'appel demande de mobiliser la totalité des acteurs.",
                      "Il faut mobiliser l'ensemble des acteurs du territoire.") == []


def test_a_ratio_the_passage_states_itself_is_the_one_to_agree_with():
    passage = ("L'évaluation a comparé 287 élèves à 266 élèves : six mois après, les premiers avaient trois fois plus "
               "de chances de ne pas consommer d'alcool.")
    found = mismatches("Six mois après, les élèves avaient deux fois plus de chances de ne pas boire.", passage)
    assert any(m.kind == "nombre" and "3 fois plus" in m.message for m in found)
    assert mismatches("Six mois après, les élèves avaient trois fois plus de chances de ne pas boire.", passage) == []
    # a passage that states no ratio: two of its figures in that ratio still do
    assert mismatches("Le budget a été deux fois plus élevé.", "Il est passé de 100 000 € à 200 000 €.") == []


def test_a_year_reckoned_from_a_start_and_a_duration_is_given():
    passage = "Il est né d'une expérimentation lancée en octobre 2020 pour trois ans avec trois villes."
    assert mismatches("L'expérimentation devait courir jusqu'à l'automne 2023.", passage) == []
    assert [m.kind for m in mismatches("L'expérimentation devait courir jusqu'à l'automne 2025.", passage)] == ["date"]
    mda = "La première a ouvert au Havre en 1999 ; un programme national a été lancé en 2004."
    assert mismatches("La première a ouvert en 1999, cinq ans avant le programme national.", mda) == []
    assert [m.kind for m in mismatches("La première a ouvert en 1999, six ans avant le programme national.", mda)] \
        == ["nombre"]


def test_an_age_is_not_a_number_of_years_to_reckon_with():
    assert extract_details("Elles s'adressent aux jeunes de 11 à 21 ans, dès 16 ans ou de moins de 15 ans.").durations \
        == set()
    assert mismatches("Le dispositif a ouvert en 2020.", "Il a ouvert en 1999 pour les jeunes de 11 à 21 ans.") != []


def test_a_spelt_ordinal_is_a_number_and_an_axis_ordinal_stays_an_axis():
    passage = "Aussi, comme en 2018, 2019, 2021 et 2023, la MILDECA lance un appel à projets national."
    assert [m.kind for m in mismatches("La MILDECA lance la troisième édition de cet appel à projets.", passage)] \
        == ["nombre"]
    assert extract_details("Le troisième axe vise à lutter contre l'attractivité des réseaux.", CRITERIA,
                           claim=True).numbers == set()
    assert extract_details("Un cinquième des jeunes.").numbers == set()  # a fraction, not an ordinal


def test_years_listed_one_after_another_count_the_occasions_and_say_so():
    passage = "Aussi, comme en 2018, 2019, 2021 et 2023, la MILDECA lance un appel à projets national."
    found = compare_details(extract_details("La MILDECA a lancé quatre appels avant celui-ci, dont le dernier en 2023.",
                                            CRITERIA, claim=True), extract_details(passage, CRITERIA), set(), {})
    assert not [m for m in found if m.blocking]
    assert [m.message for m in found] == ["« 4 » : le passage énumère 4 années (« 2018, 2019, 2021 et 2023 »)"]
    assert [m.kind for m in mismatches("La MILDECA a lancé cinq appels avant celui-ci.", passage)] == ["nombre"]


def test_a_cited_passage_of_two_sentences_in_two_blocks_is_also_read_whole():
    from types import SimpleNamespace

    from assistant.grounding.checker import GroundingChecker, Thresholds, _Job
    from assistant.grounding.claims import claims_of
    from assistant.grounding.sources import Source

    text = ("**Campagnes médiatiques** : la revue Cochrane ne trouve que peu d'effet des campagnes anti-drogue.\n"
            "- **DARE** : ce programme scolaire américain n'a pas démontré d'effet.")
    checker = GroundingChecker(SimpleNamespace(kb=SimpleNamespace(embeddings=None)), CRITERIA, vectors=object(),
                               thresholds=Thresholds(kb_passages=0), call_vectors=object())
    source = Source(doc_id="peur", title="Messages qui font peur", section="Description", text=text, n=1)
    claim = claims_of("Les campagnes ont peu d'effet selon Cochrane, et DARE n'a pas démontré d'effet [1].")[0]
    units = checker._units(_Job(claim, [source], [source]), vector=[0.0])
    [whole] = [u for u in units if u.shape == "passage"]
    assert len(whole.sentences) == 2 and "Cochrane" in whole.text and "DARE" in whole.text


def test_each_axis_of_the_call_is_a_statement_by_its_rank_whose_details_name_that_axis():
    from assistant.grounding.call_data import criteria_statements

    by_text = {s.text: s.evidence for s in criteria_statements(CRITERIA)}
    third = "Le troisième axe de l'appel est de lutter contre l'attractivité des réseaux criminels."
    assert by_text[third] == "Axe 3 : lutter contre l'attractivité des réseaux criminels."
    assert extract_details(third, CRITERIA).axes == {"attractivite"}
    assert mismatches("Le troisième axe vise à lutter contre l'attractivité des réseaux criminels.", third) == []
    assert [m.kind for m in mismatches("Le deuxième axe vise à lutter contre l'attractivité des réseaux.", third)] \
        == ["axe"]
    other = load_criteria(ROOT / "tests" / "data" / "knowledge" / "calls" / "test-call")  # another call: its own axes
    ranked = [s.text for s in criteria_statements(other) if " axe de l'appel est de " in s.text]
    assert len(ranked) == len(other.axes) and ranked[0].startswith("Le premier axe")


def _stub_checker():
    from types import SimpleNamespace

    from assistant.grounding.checker import GroundingChecker, Thresholds

    return GroundingChecker(SimpleNamespace(kb=SimpleNamespace(embeddings=None)), CRITERIA, vectors=object(),
                            thresholds=Thresholds(kb_passages=0), call_vectors=object())


def test_a_sentence_full_of_figures_that_its_cited_passage_all_gives_is_supported_and_says_which():
    from assistant.grounding.checker import Candidate, Unit
    from assistant.grounding.sources import Source

    checker = _stub_checker()
    source = Source(doc_id="cites", title="Cités éducatives", section="Description", text="…", n=1)
    figures = ("2019", "2024", "80", "250")

    def candidate(origin: str, figures: tuple[str, ...], similarity: float = 0.9) -> Candidate:
        return Candidate(Unit(source, ("80 cités en 2019, environ 250 en 2024.",), origin), similarity, 0.6, [],
                         figures=figures)

    decision = checker.decide([candidate("cited", figures)])  # 0.9 + 0.1 × 0.6 = 0.96: below 0.975
    assert decision.verdict == "supported"
    assert "Chiffres retrouvés dans le passage : « 2019 », « 2024 », « 80 », « 250 »." in decision.reason
    assert checker.decide([candidate("cited", figures[:2])]).verdict == "unsupported"  # two figures: not enough
    assert checker.decide([candidate("knowledge", figures)]).verdict == "unsupported"  # a passage it does not cite
    assert checker.decide([candidate("cited", figures, similarity=0.85)]).verdict == "unsupported"  # too far


def test_the_figures_of_a_sentence_are_read_as_a_reviewer_writes_them():
    from assistant.grounding.compare import figure_words

    assert figure_words(extract_details("Entre 2019 et 2024, les cités sont passées de 80 à 250, soit 3 % de plus, "
                                        "pour les 6-11 ans.", claim=True)) == ("2019", "2024", "3 %", "6-11 ans", "80",
                                                                               "250")


def test_an_acronym_the_passage_writes_out_in_full_is_named_there():
    from assistant.grounding.compare import compare_names, spelt_out

    passage = "La CAF peut financer les postes d'écoutants jusqu'à 20 000 € par équivalent temps plein."
    assert spelt_out("ETP", passage) and spelt_out("FIPD", "le fonds interministériel de prévention de la délinquance")
    assert compare_names({"acr:ETP": "ETP"}, set(), passage) == []
    assert [m.kind for m in compare_names({"acr:FIPD": "FIPD"}, set(), passage)] == ["nom"]
    assert not spelt_out("ETP", "un emploi à temps partiel") and not spelt_out("PN", "la police nationale")


def test_the_call_packs_lexicon_says_a_yearly_figure_in_the_bases_words():
    from assistant.grounding.synonyms import load_synonyms

    synonyms = load_synonyms(ROOT / "knowledge" / "calls" / "mildeca-2024")
    assert synonyms.rewrite("Les PAEJ reçoivent 70 000 jeunes chaque année.") == (
        "Les PAEJ reçoivent 70 000 jeunes par an.", [("chaque année", "par an")])
    assert synonyms.rewrite("Un bilan annuel.")[1] == []


def test_whom_an_aid_goes_to_must_be_whom_the_passage_gives_it_to():
    passage = ("Cet appel à projets vise à proposer un accompagnement financier et méthodologique aux communes ou aux "
               "intercommunalités s'engageant dans un plan d'actions.")
    assert "associations" in agent_mismatch("L'appel propose un accompagnement financier et méthodologique aux "
                                            "associations qui s'engagent.", passage, names)
    assert agent_mismatch("L'appel propose un accompagnement méthodologique aux intercommunalités.", passage,
                          names) is None
    # the aid said in other words is left to the similarity; a public that is no institution too
    assert agent_mismatch("L'appel propose un soutien financier aux communes.", passage, names) is None
    assert agent_mismatch("Un soutien à la fois financier et méthodologique.", passage, names) is None


def test_a_word_whose_contrary_the_passage_says_of_the_same_things_is_contradicted():
    from pathlib import Path
    from assistant.grounding.synonyms import load_synonyms
    synonyms = load_synonyms(Path(__file__).resolve().parents[2] / "knowledge" / "calls" / "mildeca-2024")
    passage = ("Ne pas réduire la PJJ à un intervenant « choc » : les visites de prison fondées sur la peur augmentent "
               "la délinquance ultérieure.")
    assert synonyms.opposite("Les visites de prison réduisent la délinquance.", passage) == ("réduisent", "augmentent")
    assert synonyms.opposite("Les visites de prison augmentent la délinquance.", passage) is None
    # both sides in the passage, or the contrary said of other things: no contradiction
    assert synonyms.opposite("La délinquance augmente.", "La délinquance augmente et la consommation baisse.") is None
    assert synonyms.opposite("Les visites réduisent la délinquance.", "Les crédits augmentent en 2024.") is None


def test_an_amount_widened_by_its_words_stands_for_a_range():
    passage = "L'aide annuelle de l'État est de 21 246,52 € par poste au 1er juillet 2022."
    assert not mismatches("L'État verse un peu plus de 21 000 € par an et par poste.", passage)
    assert not mismatches("L'État verse près de 21 000 € par poste.", passage)
    assert [m.kind for m in mismatches("L'État verse plus de 25 000 € par poste.", passage)] == ["montant"]
    assert [m.kind for m in mismatches("L'État verse 21 000 € par poste.", passage)] == ["montant"]  # not said so


def test_more_than_half_reaches_up_to_two_thirds():
    passage = "À Villeurbanne, la brigade de terrain a fermé 5 points de deal sur 8 pendant le lancement du plan."
    assert not mismatches("La brigade a fermé plus de la moitié des points de deal.", passage)
    assert [m.kind for m in mismatches("La brigade a fermé plus des trois quarts des points de deal.", passage)] \
        == ["proportion"]


def test_all_of_them_after_the_verb_is_a_scope_the_passage_must_give():
    passage = "Les CJC sont le plus souvent rattachées à un CSAPA, mais certaines se tiennent dans une Maison des adolescents."
    assert [m.kind for m in mismatches("Les CJC sont toutes rattachées à un CSAPA.", passage)] == ["portée"]
    assert [m.kind for m in mismatches("Les CJC sont systématiquement rattachées à un CSAPA.", passage)] == ["portée"]
    assert not mismatches("Communes et intercommunalités peuvent toutes deux en bénéficier.",
                          "Un accompagnement aux communes ou aux intercommunalités.")


def test_the_words_that_name_the_source_are_not_part_of_the_claim():
    from assistant.grounding.claims import without_reporting_frame
    assert without_reporting_frame("Selon l'appel, les réseaux recrutent des jeunes.") == "les réseaux recrutent des jeunes."
    assert without_reporting_frame("La fiche rappelle que le PSFP compte 14 séances.") == "le PSFP compte 14 séances."
    assert without_reporting_frame("L'appel juge cette prévention indispensable.") == \
        "L'appel juge cette prévention indispensable."  # what the call judges is the claim itself
