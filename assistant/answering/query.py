"""Understand a question once: a `Query` that every later step reads (retrieval, scope, the answerer).

>>> understand_text("Jusqu'à quand peut-on déposer le dossier ?", Understanding.empty()).answer_type
<AnswerType.WHEN: 'when'>
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable
from enum import Enum

from ..call_facts import CallFact, CallFacts, UnstatedFact
from ..criteria import CallCriteria
from ..glossary import Glossary, Subject
from ..text_fr import TOKEN, TYPO_MIN_LETTERS, analyse, correct_typos, expand_colloquial, fold, fold_question
from .models import Turn
from .own_documents import asks_what_own_documents_say


class Intent(str, Enum):
    CALL_FACT = "fait de l'appel"
    UNSTATED = "non précisé par l'appel"
    DEFINITION = "définition"
    HOW_TO = "mode d'emploi"
    IDEAS = "idées d'actions"
    OWN_DOCUMENTS = "documents de la collectivité"
    CONVERSATION = "conversation"
    OTHER = "autre"


class AnswerType(str, Enum):
    WHO = "who"
    WHEN = "when"
    SUBMIT = "where/how to submit"
    HOW_MANY = "how many"
    HOW_LONG = "how long"
    AGE = "which ages"
    YES_NO = "yes/no"
    LIST = "list"
    DEFINITION = "definition"
    HOW = "how"
    OTHER = "other"


@dataclass(frozen=True)
class IntentGuess:
    """The question classifier's choice (intent_model.py) and its probability for each kind of question."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    facts: dict[str, float] = field(default_factory=dict)  # probability of each fact of the call, if it is about one

    @property
    def surely_in_scope(self) -> bool:
        """A kind of question the base answers, chosen with near certainty: a word a pattern does not know
        (« le 4eme axe c'est quoi déjà ») is no reason to say the base does not cover it."""
        return self.label != "out_of_scope" and self.confidence >= SURE and \
            self.probabilities.get("out_of_scope", 0.0) <= SURELY_NOT_OUTSIDE


SURE, SURELY_NOT_OUTSIDE = 0.9, 0.05


# What a question asks of a subject besides what it is (read on the question as typed; extractive.py favours the
# sentence that carries it, and the classifier does not take such a question for a definition)
ASKS_MONEY = re.compile(r"\b(?:pay[ée]e?s?|co[uû]te?s?|co[uû]t|prix|tarifs?|r[ée]mun[ée]r\w*|indemnis\w*|indemnit[ée]s?|"
                        r"combien (?:[cç]a|ca) (?:co[uû]te|rapporte)|gagnent?)\b", re.I)
# « C'est payant pour les familles ? »
ASKS_PRICE = re.compile(r"\b(?:payante?s?|gratuite?s?|gratuitement|gratos|faut[- ]il payer|(?:on|ils|elles) paie\w*)\b", re.I)
# « A-t-il été évalué ? », « Et ça marche vraiment ? » (not « ça marche pour des gamins de 13 ans ? »: for whom)
ASKS_EVIDENCE = re.compile(r"\b(?:[ée]valu[ée]e?s?|[ée]valuations?|efficaces?|efficacit[ée]|prouv[ée]e?s?|preuves?|"
                           r"(?:[cç]a|il|elle|cela) (?:marche|fonctionne)(?! pour)|des effets|r[ée]sultats?)\b", re.I)
ASKS_PAY = re.compile(r"\b(?:pay[ée]e?s?|r[ée]mun[ée]r\w*|indemnis\w*|gagnent|touchent|touche-t-il|touchent-ils)\b",
                      re.I)
# « Combien coûte un chantier éducatif ? »: what it costs the commune (a fiche's « Coût : » line), not what it pays
ASKS_COST = re.compile(r"\b(?:co[uû]te\w*|co[uû]ts?|budgets?|prix)\b", re.I)
# « C'est qui qui finance ? », « Qui paie ? », « Financé par qui ? »
ASKS_FUNDER = re.compile(r"\b(?:qui (?:le |la |les )?(?:finance|paie|paye|subventionne|prend en charge)|financ[ée]e?s? par|"
                         r"(?:quels?|quelles?) (?:financements?|financeurs?)|financeurs?)\b", re.I)
SUMMER = re.compile(r"\b(?:l['’]|cet |en |d['’]|les )[ée]t[ée]s?\b", re.I)
COUNTED = re.compile(r"\bcombien\s+d(?:e\s+|')(\w{3,})", re.I)


@dataclass(frozen=True)
class Asked:
    """The detail a question asks for: money (« c'est payé combien ? »), whether it is free (« c'est payant ? »), its
    evaluation (« a-t-il été évalué ? »), or what « combien de … » counts (the stem of the counted word)."""

    money: bool = False
    price: bool = False
    evidence: bool = False
    counted: str = ""
    funder: bool = False
    cost: bool = False
    pay: bool = False  # what the young people are paid (« Combien touchent les jeunes ? »), not what it costs

    def __bool__(self) -> bool:
        return self.money or self.price or self.evidence or self.funder or self.cost or self.pay or bool(self.counted)


def asked_details(question: str) -> Asked:
    counted = COUNTED.search(question)
    return Asked(money=ASKS_MONEY.search(question) is not None, price=ASKS_PRICE.search(question) is not None,
                 evidence=ASKS_EVIDENCE.search(question) is not None, funder=ASKS_FUNDER.search(question) is not None,
                 cost=ASKS_COST.search(question) is not None, pay=ASKS_PAY.search(question) is not None,
                 counted=counted.group(1).lower().rstrip("sx")[:6] if counted else "")


@dataclass(frozen=True)
class Query:
    """A question as understood: what every step after it reads, so that nothing re-detects it."""

    question: str  # as the user typed it
    text: str  # standalone: what retrieval searches for
    intent: Intent
    answer_type: AnswerType
    terms: tuple[str, ...] = ()  # stemmed words of `text`
    axes: tuple[str, ...] = ()  # axes the question names (none: all)
    ages: tuple[int, int] | None = None  # target ages it names
    subjects: tuple[Subject, ...] = ()  # defined subjects it names (acronyms, programmes)
    fact: CallFact | UnstatedFact | None = None
    also: tuple[CallFact, ...] = ()  # other facts of the call the same question asks (« Où le déposer, et avant quand ? »)
    compares: bool = False  # « Quelle différence entre un PAEJ et une CJC ? »: its first two subjects, side by side
    call_phrase: str | None = None  # a phrase quoted from the call and asked about (« « réappropriation … », concrètement ? »)
    generic_request: bool = False  # a request for ideas whose only subject is the call itself
    bare_topic: bool = False  # « sport ? »: a topic typed as into a search box, taken for a request for ideas on it
    stated_need: bool = False  # « je voudrais sensibiliser les parents »: a need said, not asked, taken for ideas
    proven_only: bool = False  # asks for actions whose effect has been shown (« programmes évalués »)
    asked: Asked = field(default_factory=Asked)  # the detail it asks for (price, evaluation, a count)
    summer: bool = False  # « l'été »: the summer holidays, which the fiches call « vacances »
    ordinal: int = 0  # the rank of the list item it asks for (« la troisième finalité » → 3); 0: none
    evaluates: bool = False  # « comment évaluer … ? », « quels indicateurs pour … ? »: a fiche's indicators answer
    vector: tuple[float, ...] = field(default=(), repr=False)
    # a follow-up on the previous subject (« Il a été évalué ? » after Primavera): its own words' vector averaged with
    # the completed text's, which ranks the subject's sentences (the completed text alone ranks them all alike)
    focus_vector: tuple[float, ...] = field(default=(), repr=False)
    # what a question asks of the subject it names, the name left out (« qui anime les séances Unplugged ? » → « qui
    # anime les séances »): every sentence of the subject's fiche is about it, so its name ranks none above another
    aspect: str = ""
    # a question that names a programme with a fiche, whose words a fact of the call's pattern also matched
    # (« quels partenaires pour les Promeneurs du Net ? »): about the programme, no later step makes it the call's
    about_programme: bool = False
    borrowed: bool = False  # an elliptic follow-up completed from the previous question
    fact_closeness: float = 0.0  # cosine with the nearest example question of `fact` (recognition.py)
    other_call: bool = False  # asks about another funder's call (« la Région a lancé un appel à projets… »)
    about_call: bool = False  # on the call's text, though no fact of the call answers it: answered from the call
    looks_outside: bool = False  # the question classifier takes it for one the base does not cover
    guess: IntentGuess | None = field(default=None, repr=False)  # the question classifier's choice

    def unmatched_words(self) -> str:
        """What the question says besides the fact its pattern recognised (« Avant quelle date doit-on voter le
        budget primitif ? » → « doit-on voter le budget primitif »)."""
        if self.intent is Intent.DEFINITION:
            return ""
        folded = fold(self.question)
        found = None if self.fact is None or self.borrowed else (
            self.fact.matches(folded) if isinstance(self.fact, UnstatedFact) else self.fact.pattern.search(folded))
        # a word the match covers even in part (« eligib » in « éligibilité ») was recognised
        matched = {w.group(0) for w in TOKEN.finditer(folded) if found and w.start() < found.end()
                   and w.end() > found.start()}
        # an aside in brackets (« (délibération, RIB, budget prévisionnel…) ») gives examples, not the question
        asked = ASIDE.sub(" ", self.question)
        return " ".join(w for w in TOKEN.findall(asked) if fold(w) not in matched)

    @property
    def asks_of_programme(self) -> bool:
        """Asked of a programme that has a fiche, not of the call: its words matched a fact's pattern (« quels
        partenaires pour les Promeneurs du Net ? ») or it asks a detail of it (« la CJC c'est gratuit ? »)."""
        return self.about_programme or self.fact is None and bool(self.asked) and any(s.fiche for s in self.subjects)

    def with_vector(self, vector) -> "Query":
        return replace(self, vector=tuple(float(x) for x in vector))


ASIDE = re.compile(r"\([^()]*\)")

# -- the question's wording -------------------------------------------------------------------------------------
WH_WORD = re.compile(r"\b(qui|que|quoi|koi|kwa|kesako|qu'|quel|quels|quelle|quelles|quand|comment|combien|ou|pourquoi|lequel|"
                     r"laquelle|lesquels|lesquelles)\b")
INVERSION = re.compile(r"\b\w+-(?:t-)?(?:il|elle|on|ils|elles|nous|vous|je)\b")
# « Est-ce que… ? », also after what sets the scene (« Les associations nous aident, mais est-ce qu'elles peuvent… ? »)
EST_CE_QUE = re.compile(r"(?:^\s*|\b(?:mais|et|alors|donc)\s+|[:;]\s*)est[- ]ce\s+qu")
DECLARATIVE_POLAR = re.compile(r"\b(peut|peuvent|pouvons|faut|doit|doivent|devons|oblig|possible|autorise|"
                               r"a le droit|ont le droit|necessaire|exige|suffit|interdit)\w*|\bc'est (?:bon|ok|possible|jouable|valable|grave|"
                               r"encore|vrai|exact|juste)\b|\bca (?:passe|marche|suffit|compte|va)\b")
HOW = re.compile(r"^\s*(?:et\s+)?(?:comment|de quelle (?:maniere|facon)|par quoi commencer|quelles? (?:etapes|demarche|"
                 r"methode)s?|que faire pour|quoi faire pour|les etapes|concretement,? comment)\b|\bcomment (?:faire|"
                 r"s'y prendre|on fait|mettre en place|organiser|monter|mobiliser|impliquer|associer|evaluer|reperer|"
                 r"construire|lancer|animer|financer|toucher|travailler|agir|rediger|former|mesurer|convaincre)|"
                 r"\bcomment (?:on|l'|le|la|les|y|je|j'|nous|vous)\b|\bpar ou commencer\b|\bcomment (?:commencer|demarrer|s'organiser)\b|"
                 # « on fait comment ? », « on s'y prend comment, concrètement ? »: the how at the end
                 r"\b(?:on|je|nous|vous|ca) (?:le |la |les |l')?(?:fait|fais|faisons|faites|s'y prend|m'y prends|procede|"
                 r"se passe|se monte|s'organise|se met en place|met en place|mets en place|monte|organise|lance|"
                 r"applique|deploie) comment\b|\bcomment[\s,]*(?:concretement|exactement|en pratique)?[\s?!.]*$|"
                 # « Pour un café des parents financé par le REAAP, quelle démarche ? »: the how at the end
                 r"[,:]\s*(?:quelles?|les) (?:demarches?|etapes|methodes?)[\s?!.]*$")
DEFINITION = re.compile(r"(?:que|qu'est-ce que|qu'est ce que|que) (?:veut dire|signifie|designe|recouvre)|"
                        r"qu'est[- ]ce (?:que|qu'|qu)|c'est quoi|c est quoi|c'est qui|c est qui|definition|"
                        r"\bc'?(?:est)? ?(?:koi|kwa)\b|\bc quoi\b|\bkesa[ck]o\b|\bquesaco\b|"  # typed in a hurry: « c koi le TAPAJ ? »
                        r"signification|que sont (?:les|des)|qui sont (?:les|la|le)|en quoi consiste|ca consiste en quoi|"
                        r"consiste en quoi|a quoi (?:sert|servent|correspond)|c'est (?:quoi|qui) (?:exactement|au juste)|"
                        r"veut dire quoi|ca veut dire|signifie quoi|correspond a quoi|c'est quoi au juste|recouvre quoi|"
                        r"designe quoi|ca recouvre|ca designe|de quoi s'agit-il|de quoi il s'agit|il s'agit de quoi|"
                        r"\ben toutes lettres\b|\ble sigle\b|\bl'acronyme\b")
BARE_SUBJECT = re.compile(r"^\s*(?:et\s+)?(?:(?:les?|la|l'|un|une|du|des)\s*)?(?P<rest>[^?]{1,40})\s*\?\s*$")
IDEAS = re.compile(r"(\b(quelles?|quels?|des|d'|autres?|exemples? d'|plus d')\s*(actions?|idees?|pistes?|initiatives?|"
                   r"projets? concrets?|exemples?)\b)|(\bpropos\w*\b.*\b(actions?|idees?|pistes?)\b)|"
                   r"(\bque (faire|mettre en place|proposer)\b)|(\bidees?\b)|(\bquoi (faire|proposer|mettre en place)\b)|"
                   r"(\bqu'est-ce qu'on (peut |pourrait )?(fait|faire|propose|proposer|met|mettre en place|mettre dans)\b)|"
                   r"(\b(?:mettre|prevoir|inscrire) dans (?:le|notre|ce) plan\b)|(\borient\w* ou\b)|(\bpistes?\b)|"
                   r"(\binspir)|(\bexemples? d'actions?\b)|(\bactions? (possibles|envisageables|concretes|a mener|"
                   r"a proposer|a mettre en place)\b)|(\b(?:proposer|propose|faire|mettre) quoi\b)|(\bon fait quoi\b)|"
                   r"(\b(?:orient\w*|diriger) vers quoi\b)|(\b(?:un|des|quels?) (?:programmes?|dispositifs?) (?:a|pour|qui|adaptes?)\b)|"
                   r"(\bvous avez (?:un|des) (?:programmes?|dispositifs?|actions?|idees?)\b)|(\b(mettre|faire|prevoir|proposer) dans (l'axe|cet axe|l'axe)\b)|"
                   r"(\bque (leur |lui |nous )?(faire|proposer|mettre en place|offrir)\b)|(\bquels programmes\b)|"
                   r"(\b(?:je|on) (?:mets|met|propose|prevois|prevoit|ajoute|inscris|inscrit) quoi\b)")
# « sport ? », « réseaux sociaux ? »: a topic typed as into a search box (no question word, no verb of a request)
BARE_TOPIC_WORDS = 2


def _bare_topic(folded: str, terms: tuple[str, ...], subjects) -> bool:
    words = re.findall(r"[a-z0-9'-]+", folded)
    return 0 < len(terms) <= BARE_TOPIC_WORDS and len(words) <= 4 and not subjects and not WH_WORD.search(folded) \
        and not re.search(r"\b(?:est|sont|faut|peut|peuvent|doit|dois|ont|a|ca|c')\b", folded)


# Another funder's call (« la Région a lancé un appel à projets…, c'est quoi la date limite ? »): not this call's facts;
# « d'après l'appel », « dans l'appel » name this one (« La CAF, est-ce qu'on doit l'associer d'après l'appel ? »).
OTHER_CALL = re.compile(r"\b(?:la region|le departement|conseil (?:regional|departemental)|la caf|une fondation|l'ars|"
                        r"l'ademe|l'europe|l'union europeenne|le fonds|la prefecture|l'etat)\b[^?]{0,60}"
                        r"(?<!d'apres l')(?<!selon l')(?<!dans l')(?<!cet )(?<!pour l')\b(?:appel|aap)\b|"
                        r"\b(?:appel|aap)s?(?: a projets?)? (?:de la region|du departement|de la caf|d'une fondation|de l'ars|"
                        r"de l'ademe|regional|departemental|europeen)\b")
COMBINED = re.compile(r"\b(?:cumul|cofinanc|co-financ|combiner|articuler|complement|en plus (?:de|du))")
# « comment évaluer … ? », « quels indicateurs pour … ? » (folded): what to measure, not the steps to follow
EVALUATE = re.compile(r"\b(?:evaluer|evalue|evaluation|mesurer|indicateurs?|suivre les effets|bilan)\b")
INDICATORS = re.compile(r"\b(?:quels?|des|les|comme) indicateurs\b|\bindicateurs? (?:de suivi|d'evaluation|pour)\b")
# A need stated without a question (« je voudrais sensibiliser les parents », « on cherche une action pour les
# 16-18 ans »): a request for ideas
NEED_LEAD = (r"\b(?:je|j'|on|nous)\s*(?:voudrai[st]?|voudrions|aimerai[st]?|aimerions|souhaite\w*|veux|veut|voulons|"
             r"cherche\w*|recherche\w*|dois|doit|devons) (?:bien |aussi |surtout )?")
NEED = re.compile(NEED_LEAD + r"(?:(?:sensibiliser|toucher|occuper|"
                  r"prevenir|proteger|accompagner|eloigner|detourner|aider|lutter|agir|travailler sur|developper|renforcer|"
                  r"faire quelque chose)\b|(?:une|des|un|d'autres) (?:actions?|idees?|programmes?|dispositifs?|projets?|"
                  r"activites?|pistes?|solutions?)\b|quelque chose (?:pour|a|de|qui|sur)\b)")


def without_need_lead(text: str) -> str:
    """« je voudrais sensibiliser les parents » → « sensibiliser les parents »: the need, not the way it is said."""
    return re.sub(NEED_LEAD, " ", fold(text)).strip()


EXPLICIT_IDEAS = re.compile(r"\b(idees?|pistes?|quelles actions|quels projets|exemples?)\b")
SITUATION = re.compile(r"\bque faire (quand|si|lorsqu|face|avec|en cas|pour)\b|"
                       r"\b(?:qu'est-ce qu'on fait|on fait quoi) (quand|si|lorsqu|face|en cas)\b|\bcomment (reagir|faire face|agir)\b")
NOT_IDEAS = re.compile(r"\bcombien\b|\bnombre\b|\bminimum\b|\bmaximum\b|\bobligatoire|\bfaut[- ]il\b.*\btous\b|"
                       r"\bchaque axe\b|\bchacun des axes\b")
PROVEN = re.compile(r"\b(evalue(?:e|s|es)?|probants?|fait (?:leurs|ses) preuves|efficacite (?:demontree|prouvee)|"
                    r"valides?|qui marchent|qui fonctionnent)\b")
GREETING = re.compile(r"^\s*(bonjour|bonsoir|salut|hello|coucou|merci( beaucoup| bien)?|au revoir|bonne (journee|soiree)|"
                      r"ok|d'accord|super|parfait|top|genial|tres bien|qui es-tu|tu es qui|vous etes qui|"
                      r"qui etes-vous)[\s!.,?]*$")
WHEN = re.compile(r"\bquand\b|\bdate\b|\bdelai\b|\becheance\b|\bquel jour\b|\bjusqu'(?:a|au)\b|\bavant quand\b")
HOW_LONG = re.compile(r"\bcombien de temps\b|\bduree\b|\bdure(?:nt)? combien\b|\bsur combien (?:de|d')")
AGE_ASKED = re.compile(r"\b(?:quels? ages?|quelle tranche d'ages?|a partir de quel age|jusqu'a quel age|pour quel age|"
                       r"quelles? classes?|quel public|des quel age|ages? (?:vises|concernes|cibles)|(?:c'est |c'est fait |c'est destine )?"
                       r"pour qui|publics? vises?)\b")
HOW_MANY = re.compile(r"\bcombien\b|\bnombre (?:de|d')|\bminimum\b|\bmaximum\b|\bmontant\b|\bquelle somme\b")
WHO = re.compile(r"^\s*(?:et\s+)?(?:qui|a qui|avec qui|aupres de qui)\b|\bquels? (?:acteurs|partenaires|structures|"
                 r"collectivites|services|interlocuteurs)\b|\bpour qui\b")
SUBMIT = re.compile(r"\b(?:ou|comment) (?:deposer|envoyer|transmettre|soumettre|candidater|postuler)\b|\bplateforme\b|"
                    r"\bcourrier\b|\ben ligne\b")
LIST = re.compile(r"\bquels sont\b|\bquelles sont\b|\bliste\b|\blesquel")

# -- target ages --------------------------------------------------------------------------------------------------
AGE_RANGE = re.compile(r"\b(\d{1,2})\s*(?:-|–|a|à|et)\s*(\d{1,2})\s*ans\b")
AGE_UNDER = re.compile(r"\b(?:moins de|sous les|en dessous de|jusqu'a)\s*(\d{1,2})\s*ans\b")
AGE_OVER = re.compile(r"\b(?:plus de|au-dela de|a partir de|des|apres)\s*(\d{1,2})\s*ans\b")
AGE_EXACT = re.compile(r"\b(?:de|a|pour|avec|les|des|d'|entre)\s*(\d{1,2})\s*ans\b")
AGE_WORDS = [(re.compile(r"\bcollegiens?\b|\bcollege\b|\b6e\b|\b5e\b|\b4e\b|\b3e\b"), (11, 15)),
             (re.compile(r"\blyceens?\b|\blycee\b"), (15, 18)),
             (re.compile(r"\b(?:ecole (?:primaire|elementaire)|primaire|cm1|cm2|ecoliers?)\b"), (6, 11)),
             (re.compile(r"\bjeunes majeurs\b|\b18-25\b"), (18, 25))]

# -- follow-ups ---------------------------------------------------------------------------------------------------
# ranks in words (folded): « la troisième finalité », and, in a follow-up, « et la cinquième ? »
ORDINALS = {"premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1, "deuxieme": 2, "second": 2, "seconde": 2,
            "2e": 2, "2eme": 2, "2nd": 2, "2nde": 2, "troisieme": 3, "3e": 3, "3eme": 3, "quatrieme": 4, "4e": 4,
            "4eme": 4, "cinquieme": 5, "5e": 5, "5eme": 5, "sixieme": 6, "6e": 6, "6eme": 6}
ORDINAL_WORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
ORDINAL_ITEM = re.compile(rf"\b({ORDINAL_WORD})\s+(?:des\s+|de\s+ses\s+)?(finalites?|axes?)\b")
# « et la troisième ? », « et le 3 ? », « et la suivante ? », « et la dernière ? »
BARE_RANK = re.compile(rf"^\s*(?:et|puis)?\s*(?:pour\s+)?(?:le|la|l')?\s*({ORDINAL_WORD}|[1-9]|suivante?|derniere?)"
                       rf"\s*\??\s*$")
BARE_NUMBER = re.compile(r"^\s*(?:et|puis)?\s*(?:pour\s+)?(?:le|la|l')?\s*([1-9])\s*(?:e|eme|er|ere)?\s*\??\s*$")
NEW_TOPIC = re.compile(r"^\s*(?:(?:bon|ok|merci)[\s,.!]+)?(?:autre (?:sujet|question|chose)|rien a voir|changement de sujet|"
                       r"changeons de sujet|nouvelle question|question differente)\b")
CONTINUATION = re.compile(r"^\s*(et|mais|alors|aussi|sinon|ensuite|puis|pareil|meme chose|idem|dans ce cas)\b")
REFERRING = re.compile(r"^\s*(?:et\s+|mais\s+)?(il(?!\s+(?:faut|y a|est (?:obligatoire|possible|necessaire|interdit|permis)\s+(?:de\b|que\b|d\W|qu\W)))|elle|ils|elles|c'est|ca|cela)\b|\bon (le|la|les|l')|\b(lesquel\w*|laquelle|lequel|"
                       r"celles?|ceux)\b|\b(ca|cela|ce dispositif|ce programme|cette action|cette fiche|ce projet|celui-ci|celle-ci|"
                       r"celui-la|celle-la|la-bas|leur|exactement|au juste|en detail|plus|davantage|le finance|la finance|"
                       r"le porte|les finance|y|en)\b|\b(?:qui|comment|combien|ou)\s+(?:le|la|les|l')\b")


@dataclass(frozen=True)
class Understanding:
    """What the understanding step knows: the call, its facts, the defined subjects."""

    criteria: CallCriteria | None
    facts: CallFacts
    glossary: Glossary
    # does the knowledge base use this stem? A word it uses is no slip, whatever word of the call pack it is near
    # (« mettre » is not « lettre »); without it, nothing is put right
    knows: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def empty(cls) -> "Understanding":
        return cls(None, CallFacts(), Glossary([]))

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """The folded words of the call pack (its facts' questions and answers, its axes, actors and defined names):
        what a word typed with a slip is put right to."""
        texts = [t for f in self.facts.facts for t in (*f.examples, f.answer, *(o.answer for o in f.polar))]
        texts += [t for f in self.facts.unstated for t in (*f.examples, f.answer)]
        if self.criteria is not None:
            texts += [self.criteria.title] + [a.label for a in self.criteria.axes] + [
                n for a in self.criteria.actors for n in (a.label, *a.aliases)]
        texts += [n for s in self.glossary.subjects for n in s.names]
        return frozenset(w for t in texts for w in TOKEN.findall(fold(t)) if len(w) >= TYPO_MIN_LETTERS)


def understand(question: str, history: list[Turn], known: Understanding) -> Query:
    """The `Query` of a question in its conversation: an elliptic follow-up borrows what it lacks from the
    previous question (« Et pour l'axe 4 ? » after a request for ideas = that request, for axis 4); a complete new
    question inherits nothing."""
    own = understand_text(question, known)
    previous_text = next((t.content for t in reversed(history) if t.role == "user"), None)
    if not previous_text:
        return own
    folded = fold(question)
    if NEW_TOPIC.match(folded):
        return own  # « Autre sujet : le dossier, on le dépose sur quelle plateforme ? » borrows nothing
    if own.bare_topic:  # « des résultats en France ? » after a question on a programme asks about it
        own = replace(own, intent=Intent.OTHER, bare_topic=False)
    previous = understand(previous_text, [], known)
    if known.criteria and previous.subjects:  # « …à l'appel MILDECA 2024 ? »: the call's funder is not a subject to follow
        funder = fold(known.criteria.publisher or "")
        previous = replace(previous, subjects=tuple(s for s in previous.subjects
                                                    if not funder or not any(p.search(funder) for p in s.patterns)))
    rank = BARE_RANK.match(folded)
    listed = previous.fact if isinstance(previous.fact, CallFact) else None
    on_one_axis = len(previous.axes) == 1 and previous.intent in (Intent.CALL_FACT, Intent.OTHER)  # not ideas for it
    if rank and (listed and (listed.lists_axes or listed.lists_finalites) or on_one_axis):
        return _at_rank(own, previous, rank.group(1), known)
    number = BARE_NUMBER.match(folded)
    if number and previous.axes and not own.axes and known.criteria and 1 <= int(number.group(1)) <= len(known.criteria.axes):
        own = replace(own, axes=(known.criteria.axes[int(number.group(1)) - 1].id,))  # « et le 4 ? » after an axis
    if swapped := _swap_object(own, previous):  # « Et la police ? » after « Comment mobiliser les bailleurs ? »
        return replace(own, text=swapped, intent=Intent.HOW_TO, answer_type=AnswerType.HOW, terms=tuple(analyse(swapped)),
                       borrowed=True)
    if own.intent is Intent.IDEAS and own.ages and previous.intent is not Intent.IDEAS:
        return own  # « Et pour les 8-10 ans, quelles actions ? » after a question on the call: a request of its own
    if is_elliptic(own) or _on_previous_subject(own, previous):
        return _complete(own, previous, known)
    return own


def understand_text(question: str, known: Understanding) -> Query:
    question = expand_colloquial(question)
    if known.knows is not None:
        question = correct_typos(question, known.vocabulary, known.knows)
    folded = fold_question(question)
    subjects = tuple(known.glossary.find(question))
    axes = tuple(named_axes(folded, known.criteria)) if known.criteria else ()
    ages = target_ages(folded)
    answer_type = _answer_type(folded)
    intent, fact = _intent(question, folded, subjects, answer_type, known)
    compares = _compares(folded, subjects) and intent in (Intent.DEFINITION, Intent.OTHER)
    if compares:
        intent = Intent.DEFINITION
    if intent is Intent.DEFINITION:
        answer_type = AnswerType.DEFINITION
        if compares:  # in the order the question names them
            subjects = tuple(sorted(subjects, key=lambda s: min(m.start() for p in s.patterns
                                                                 for m in p.finditer(folded))))
        else:
            subjects = definition_order(subjects, folded, known.criteria.publisher if known.criteria else "")
    terms = tuple(analyse(question))
    # (« axe 2 = ? » asks what the axis is)
    bare_topic = intent is Intent.OTHER and not axes and _bare_topic(folded, terms, subjects)
    if bare_topic:
        intent = Intent.IDEAS  # « sport ? », « les parents ? »: what the fiches propose on it
    proven = PROVEN.search(folded) is not None
    rank = ORDINAL_ITEM.search(folded)
    aspect = _aspect(question, subjects) if intent is Intent.OTHER else ""
    about_programme = intent in (Intent.OTHER, Intent.HOW_TO) and any(s.fiche for s in subjects) \
        and (known.facts.match(question) is not None or _partners_of(folded, subjects))
    return Query(aspect=aspect, about_programme=about_programme, compares=compares, proven_only=proven, asked=asked_details(question), summer=SUMMER.search(question) is not None, question=question, text=question, intent=intent, answer_type=answer_type, terms=terms, axes=axes,
                 ages=ages, subjects=subjects, fact=fact, other_call=_about_other_call(folded),
                 generic_request=intent is Intent.IDEAS and is_generic_request(terms, subjects, ages),
                 bare_topic=bare_topic, stated_need=intent is Intent.IDEAS and NEED.search(folded) is not None,
                 ordinal=ORDINALS[rank.group(1)] if rank else 0, evaluates=EVALUATE.search(folded) is not None)


def _aspect(question: str, subjects) -> str:
    """The question without the names of the subjects it names that have a fiche, when words that ask remain."""
    if not any(s.fiche for s in subjects):
        return ""
    folded = fold(question)
    for pattern in (p for s in subjects if s.fiche for p in s.patterns):
        folded = pattern.sub(" ", folded)
    rest = " ".join(folded.replace(" ,", ",").split()).strip(" ,:;-")
    return rest if analyse(rest) else ""


def _intent(question: str, folded: str, subjects, answer_type: AnswerType, known: Understanding):
    if GREETING.match(folded):
        return Intent.CONVERSATION, None
    if asks_what_own_documents_say(question):
        return Intent.OWN_DOCUMENTS, None
    if INDICATORS.search(folded) and not EXPLICIT_IDEAS.search(folded):
        return Intent.HOW_TO, None  # « quels indicateurs pour le PSFP ? »: how to evaluate it, from its fiche
    situation = SITUATION.search(folded) or (HOW.search(folded) and not EXPLICIT_IDEAS.search(folded))
    # « les finalités que peut viser notre plan d'actions » names the plan, it asks for no action
    if (IDEAS.search(re.sub(r"\bplans? d'actions?\b", "plan", folded)) or NEED.search(folded)) \
            and not NOT_IDEAS.search(folded) \
            and answer_type is not AnswerType.YES_NO \
            and not situation:
        return Intent.IDEAS, None
    if subjects and answer_type is not AnswerType.YES_NO and _asks_only_about(folded, subjects[0]):
        return Intent.DEFINITION, None
    first = fold(requests(question)[0])
    named_first = next((s for s in subjects if any(p.search(first) for p in s.patterns)), None)
    if named_first and first != fold(question.strip(" ?")) and DEFINITION.search(first) and \
            _asks_only_about(first, named_first):
        return Intent.DEFINITION, None  # « TFPB, c'est quoi déjà, et de combien est l'abattement ? »: its line says
    fact = None if OTHER_CALL.search(folded) else known.facts.match(question)
    if fact is not None and fact.yields_to_programme and any(s.fiche for s in subjects):
        fact = None  # « Le PSFP, c'est pour quel âge ? » asks about the PSFP, not about the call's public
    if fact is not None and _partners_of(folded, subjects):
        fact = None  # « quels partenaires pour les Promeneurs du Net ? »: the fiche's partners, not the call's actors
    if fact is not None:
        return (Intent.UNSTATED if isinstance(fact, UnstatedFact) else Intent.CALL_FACT), fact
    if subjects and ASKS_PAY.search(question) and not SITUATION.search(folded):
        return Intent.OTHER, None  # « TAPAJ : les jeunes sont payés comment ? »: what they are paid, not a procedure
    if HOW.search(folded) or SITUATION.search(folded):
        return Intent.HOW_TO, None
    return Intent.OTHER, None


PARTNERS_OF = re.compile(r"\b(?:partenaires?|partenariats?|acteurs?)\s+(?:pour|de|du|des|d'|avec)\s*(?:l'|le |la |les )?")


# « qui porte les PAEJ ? »: who carries a programme is in its fiche, not among those who may apply to the call
CARRIER_OF = re.compile(r"\bqui (?:porte|portent|anime|animent|finance|financent|pilote|gere|gerent|organise|coordonne)\b|"
                        r"\b(?:porte|anime|finance|pilote|gere|organise|coordonne|concu|cree|developpe|lance)e?s? "
                        r"par (?:qui|quel|quelle|quels|quelles)\b")  # « c'est porté par quelle association ? »


def _partners_of(folded: str, subjects) -> bool:
    """Does the question ask the partners or the carrier of a programme it names (its fiche's « Partenaires »)?"""
    with_fiche = [s for s in subjects if s.fiche]
    return any(pattern.match(folded, m.end()) for m in PARTNERS_OF.finditer(folded)
               for s in with_fiche for pattern in s.patterns) or bool(with_fiche and CARRIER_OF.search(folded))


# « Quelle différence entre un PAEJ et une CJC ? », « En quoi TAPAJ se distingue-t-il de l'argent de poche ? »
COMPARE = re.compile(r"\b(?:differences?|different\w*|distingu\w*|compar\w*|versus|vs)\b")


def _compares(folded: str, subjects) -> bool:
    """Does the question set two defined subjects side by side (« Quelle différence entre … », or a choice
    between two programmes: « TAPAJ ou chantier éducatif pour des jeunes de 17 ans ? »)?"""
    defined = [s for s in subjects if s.definition or s.fiche]
    return len(defined) >= 2 and (COMPARE.search(folded) is not None or _choice(folded, defined))


def _choice(folded: str, subjects) -> bool:
    """Two programmes with a fiche, named one « ou » the other."""
    spans = sorted((m.start(), m.end()) for s in subjects if s.fiche for p in s.patterns for m in p.finditer(folded))
    return any(re.fullmatch(r"\s+ou\s+(?:bien\s+)?(?:l[ae]s?\s+|l'|un\s+|une\s+|des\s+)?", folded[a[1]:b[0]])
               for a, b in zip(spans, spans[1:]))


def definition_order(subjects, folded: str, publisher: str | None) -> tuple:
    """The subject a definition is about first: the first named (« C'est quoi la CTG de la CAF ? »), the call's
    publisher only when nothing else is named (« MNA, dans le référentiel de la MILDECA, ça désigne qui ? »)."""
    funder = fold(publisher or "")
    # « La CAF nous propose de signer une CTG. Qu'est-ce que c'est ? »: a bare question after a sentence that sets
    # the scene is about the subject named last before it
    spans = sentence_spans(folded)
    # the sentence that asks: the last with a question mark (« c koi le TAPAJ ? un collègue m'en a parlé … »)
    start, end = next((span for span in reversed(spans) if "?" in folded[span[0]:span[1]]), spans[-1] if spans else (0, 0))
    asking = folded[start:end]
    last_named = start > 0 and not any(p.search(asking) for s in subjects for p in s.patterns)

    # « …l'abattement de TFPB : TFPB, c'est quoi déjà, et de combien est-il ? »: the request that asks a definition
    pieces = requests(folded)
    defined = pieces[0] if len(pieces) > 1 and DEFINITION.search(pieces[0]) else ""
    # « Le commissaire nous a parlé de la CROSS pendant le CLSPD. C'est quoi ? »: what someone spoke of comes first
    introduced = set()
    for verb in TOPIC_VERB.finditer(folded[:start]) if last_named else ():
        after = [(m.start(), id(s)) for s in subjects for p in s.patterns for m in p.finditer(folded, verb.end(), start)]
        if after and min(after)[0] - verb.end() <= TOPIC_REACH:
            introduced.add(min(after)[1])

    def key(subject):
        starts = [m.start() for pattern in subject.patterns for m in pattern.finditer(folded)]
        before = [i for i in starts if i < start]
        position = -max(before, default=-len(folded)) if last_named else min(starts, default=len(folded))
        asked = len(spans) <= 1 or any(p.search(asking) for p in subject.patterns)  # named in the question itself
        return (bool(funder) and any(p.search(funder) for p in subject.patterns),
                bool(defined) and not any(p.search(defined) for p in subject.patterns),
                not asked and not last_named, id(subject) not in introduced, position)

    return tuple(sorted(subjects, key=key))


SENTENCE_END = re.compile(r"[.!?]\s+(?=\S)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a question, blank ones left out."""
    bounds = [0] + [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def request_after_scene(question: str) -> str | None:
    """The sentence that asks (the last with a question mark) when sentences that set the scene come before it
    (« Le préfet nous demande comment nous évaluerons le plan. Comment construire l'évaluation ? »); else None."""
    spans = sentence_spans(question)
    asking = next((i for i in range(len(spans) - 1, -1, -1) if "?" in question[slice(*spans[i])]), None)
    return question[slice(*spans[asking])].strip() if asking else None


# what a scene-setting sentence says someone spoke of, proposed or advised (« nous conseille de regarder ReperPrev »)
TOPIC_VERB = re.compile(r"\b(?:parle\w*|evoque\w*|mentionne\w*|propose\w*|conseille\w*|recommande\w*|suggere\w*|"
                        r"cite\w*|presente\w*)\b")
TOPIC_REACH = 30  # characters between the verb and the subject (« propose de signer une »)


def _about_other_call(folded: str) -> bool:
    """Its deadline, channel or rules are another funder's: this base does not hold them. Combining the two calls
    (« peut-on cumuler avec l'appel de la CAF ? ») is a question on this one."""
    return OTHER_CALL.search(folded) is not None and COMBINED.search(folded) is None


# Words that leave a question a definition (« MILDECA, ça veut dire quoi déjà ? »), as stems.
DEFINITION_FILLERS = frozenset(analyse(fold("exactement juste programme dispositif sigle acronyme mot terme action fiche "
                                            "ça cela concrètement déjà rappel quoi toutes lettres entier "
                                            "développé signifie veut dire")))  # `rest` below is folded


# Words of a clause that only sets the scene before a definition (« Dans l'appel on parle de CPS, ça veut dire
# quoi ? », « Autre question : c'est quoi une CJC ? »), as stems.
SCENE_WORDS = frozenset(analyse(fold("autre question appel texte fiche dossier document parle parlé parler vu lu "
                                     "entendu lis vois mentionne mentionné cite cité évoque évoqué terme rien voir "
                                     "sinon")))
CLAUSE_BREAK = re.compile(r"\s*[:;,.!]\s+|\s+-\s+")


def _asks_only_about(folded: str, subject: Subject) -> bool:
    """« Qu'est-ce que le PSFP ? » or « Le PRE ? » asks for a definition; « Qu'est-ce que le PSFP apporte aux
    parents ? » does not: once the subject's name and the definition words are taken out, nothing is left. A
    definition asked after a clause that only sets the scene (« Dans l'appel on parle de CPS, ça veut dire
    quoi ? ») is one too."""
    if not DEFINITION.search(folded) and (not BARE_SUBJECT.match(folded) or HOW.search(folded)):
        return False  # « Comment faire un diagnostic partagé ? » is short, and its words are stop words: a how-to
    if _only_subject_left(folded, subject, DEFINITION_FILLERS):
        return True
    clauses = [c for c in CLAUSE_BREAK.split(folded) if c.strip()]
    asking = next((i for i, c in enumerate(clauses) if DEFINITION.search(c)), None)
    if asking is None or len(clauses) < 2:
        return False
    names = _names(clauses[asking], subject)
    if not names and asking > 0 and _only_subject_left(clauses[asking], subject, DEFINITION_FILLERS) \
            and _names(clauses[asking - 1], subject):
        return True  # « Je vois passer le sigle CDDF dans une note, qu'est-ce que c'est ? »: « c'est » is the CDDF
    # the clause that asks, and the one before it when that is where the subject is named (« ça » refers to it)
    asked = clauses[asking] if names else " ".join(clauses[max(asking - 1, 0):asking + 1])
    scene = " ".join(clauses[:asking] if names else clauses[:max(asking - 1, 0)])
    return _only_subject_left(asked, subject, DEFINITION_FILLERS | SCENE_WORDS) and \
        _only_subject_left(scene, subject, SCENE_WORDS)


def _names(text: str, subject: Subject) -> bool:
    return any(p.search(text) for p in subject.patterns)


def _only_subject_left(text: str, subject: Subject, fillers: frozenset[str]) -> bool:
    rest = text
    for pattern in subject.patterns:
        rest = pattern.sub(" ", rest)
    rest = DEFINITION.sub(" ", rest)
    return not [w for w in analyse(rest) if w not in fillers]


def _answer_type(folded: str) -> AnswerType:
    if SITUATION.search(folded):
        return AnswerType.HOW
    if is_yes_no(folded):
        return AnswerType.YES_NO
    if HOW_LONG.search(folded):
        return AnswerType.HOW_LONG
    if AGE_ASKED.search(folded):
        return AnswerType.AGE
    if WHEN.search(folded):
        return AnswerType.WHEN
    if HOW_MANY.search(folded):
        return AnswerType.HOW_MANY
    if SUBMIT.search(folded):
        return AnswerType.SUBMIT
    if WHO.search(folded):
        return AnswerType.WHO
    if HOW.search(folded):
        return AnswerType.HOW
    if LIST.search(folded):
        return AnswerType.LIST
    return AnswerType.OTHER


POLITE_TAIL = re.compile(r",?\s*(?:(?:est-ce que )?vous pouvez|pouvez-vous|tu peux|peux-tu|pourriez-vous|vous pourriez|"
                         r"tu pourrais|pourrais-tu)\s+(?:m'|me |nous )?(?:aider|eclairer|renseigner|dire|repondre)\b[^?]*"
                         r"\?\s*$|,?\s*(?:merci(?: d'avance| par avance)?|svp|stp|s'il vous plait)[\s!.?]*$")


# Once accents are folded « où » and « ou » are one word: these are « or » (an alternative), not « where ».
# An alternative at the end (« …, ou seulement de l'argent ? ») is dropped: the question is the part before it.
ALTERNATIVE = re.compile(r",?\s*\bou (?:pas|non|bien|seulement|juste|uniquement|alors|plutot|c'est|est-ce|si)\b[^?]*(?=\?\s*$)")
INDIRECT_POLAR = re.compile(r"\b(?:savoir|demande|demandais|demander|dire|preciser|confirmer|verifier) si\b")


WH_START = re.compile(r"^\s*(?:(?:et|mais|alors|donc)\s+)?(?:qui|quels?|quelles?|quand|comment|combien|ou|pourquoi|"
                      r"a qui|avec qui)\b")


def is_yes_no(folded: str) -> bool:
    """« Peut-on… ? », « Une intercommunalité peut-elle… ? », « Est-ce que… ? », « On est obligés de… ? »."""
    if INDIRECT_POLAR.search(folded):  # « Je voudrais savoir si on peut choisir une seule finalité. »
        return True
    folded = POLITE_TAIL.sub(" ?", folded)  # « …sur quel site déposer, vous pouvez m'aider ? » asks where
    folded = ALTERNATIVE.sub(" ", folded)  # « …ou pas du tout ? », « …ou seulement de l'argent ? »: « ou », not « où »
    head = re.split(r"[.!;:]\s+", folded.strip())[-1]  # the last sentence: what came before sets the scene
    clauses = head.split(",")
    # « Notre commune n'a pas de CLSPD, pouvons-nous… » asks in its last clause; « Qui anime les séances, des
    # intervenants ? » and « Ont-ils tous un casier, d'après l'appel ? » ask before it
    tail = len(clauses) > 1 and (WH_START.match(clauses[0]) or len(clauses[-1].split()) <= 3) \
        and not INVERSION.search(clauses[-1]) and not EST_CE_QUE.search(clauses[-1])
    if len(clauses) > 1 and not tail:
        head = clauses[-1]
    wh = next((m for m in WH_WORD.finditer(head) if m.group(1) not in ("que", "qu'") or
               re.match(r"^\s*(?:(?:et|mais|alors|donc|bon|ok)\s+)?$", head[:m.start()])), None)
    if EST_CE_QUE.search(head):
        return True
    inversion = INVERSION.search(head)
    if inversion and (wh is None or wh.start() > inversion.start()):
        return not re.match(r"^\s*(?:et\s+)?(?:qui|que|quoi|qu'|quel|quelle|quels|quelles|quand|comment|combien|ou|"
                            r"pourquoi|a qui|avec qui)\b", head)
    if wh is None and len(clauses) > 1 and re.match(r"^\s*(?:et\s+|mais\s+)?si\b", clauses[0]) \
            and not WH_WORD.search(clauses[-1]) and folded.rstrip().endswith("?"):
        return True  # « Si on n'a des actions que sur deux axes, le dossier tient ? »
    return wh is None and folded.rstrip().endswith("?") and (bool(DECLARATIVE_POLAR.search(head)) or (
        len(head.split()) >= 4 and not IDEAS.search(folded)))


def named_axes(folded: str, criteria: CallCriteria) -> list[str]:
    """Axes named in the question (« axe 3 », « l'attractivité ») in the call's own words (`keywords`)."""
    numbers = re.findall(r"\baxes?\s*n?°?\s*([1-9])\b", folded) + \
        re.findall(r"\b([1-9])\s*(?:e|eme|er|ere|nd|nde)\s+axe\b", folded)  # « le 2e axe », « le 1er axe »
    named = [criteria.axes[int(n) - 1].id for n in numbers if int(n) <= len(criteria.axes)]
    ordinals = {"premier": 1, "deuxieme": 2, "second": 2, "troisieme": 3, "quatrieme": 4, "cinquieme": 5}
    named += [criteria.axes[n - 1].id for word, n in ordinals.items()
              if re.search(rf"\b{word} axe\b", folded) and n <= len(criteria.axes)]
    for axis in criteria.axes:
        if any(re.search(rf"(?<!\w){re.escape(fold(k))}", folded) for k in getattr(axis, "keywords", ())):
            named.append(axis.id)
    return list(dict.fromkeys(named))


# « Et pour les plus jeunes ? » after a request for 16-25 year olds: the ages just below (or above) the previous ones
YOUNGER = re.compile(r"\b(?:plus (?:jeunes|petits)|moins ages)\b")
OLDER = re.compile(r"\b(?:plus (?:ages|grands|vieux))\b")
RELATIVE_SPAN = 5


def relative_ages(folded: str, previous: tuple[int, int] | None) -> tuple[int, int] | None:
    """The ages a follow-up names by comparison with the previous question's (none without them)."""
    if previous is None:
        return None
    low, high = previous
    if YOUNGER.search(folded) and low > 6:
        return max(6, low - RELATIVE_SPAN), low - 1
    if OLDER.search(folded) and high < 25:
        return high + 1, min(25, high + RELATIVE_SPAN)
    return None


def target_ages(folded: str) -> tuple[int, int] | None:
    if match := AGE_RANGE.search(folded):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        return (low, high) if 3 <= low <= 30 and high <= 30 else None
    if match := AGE_UNDER.search(folded):
        return (max(6, int(match.group(1)) - 5), int(match.group(1)) - 1)
    if match := AGE_OVER.search(folded):
        return (int(match.group(1)) + match.group(0).startswith(("plus de", "apres")), 25)
    for pattern, ages in AGE_WORDS:
        if pattern.search(folded):
            return ages
    if match := AGE_EXACT.search(folded):  # « des gamins de 13 ans », « un ado de 15 ans »
        age = int(match.group(1))
        return (age, age) if 3 <= age <= 30 else None
    return None


# Words of a request for ideas that name no subject (« Quelles actions proposer pour notre commune ? »), as stems.
GENERIC_REQUEST_WORDS = frozenset(analyse(
    "quelles actions idées pistes initiatives exemples proposer propositions faire mettre place mener concrètes "
    "notre nos commune communes ville intercommunalité territoire collectivité projet dossier appel axe axes "
    "pourrait pourrions pourriez pouvons peut-on possibles envisager autre autres donner donnez"))


def is_generic_request(terms: tuple[str, ...], subjects, ages) -> bool:
    return not subjects and all(w in GENERIC_REQUEST_WORDS or w.isdigit() for w in terms)


# « Où est-ce qu'il se dépose, et avant quand ? », « Qui porte cet appel et à quelles collectivités s'adresse-t-il ? »:
# a second request joined by « et » (a question word follows), or a second question
SECOND_REQUEST = re.compile(r"(?i)(?:,\s*|\s+)(?:et|puis)\s+(?=(?:qui|quel\w*|quand|comment|combien|o[uù]|[aà] (?:quel\w*|qui)|"
                            r"avec qui|avant|jusqu|sur quel\w*|par quel\w*|de (?:combien|quel\w*)|pour quel\w*|est-ce)\b)|\?\s+(?=[^?]*\?)")  # not « ? (la 2e finalité) »


def requests(question: str) -> list[str]:
    """The requests of a question that asks several things, without the scene set before them; one item when it
    asks one thing."""
    pieces = [re.split(r"[.!:;]\s+", piece.strip())[-1].strip(" ,?") for piece in SECOND_REQUEST.split(question)]
    pieces = [p for p in pieces if p]
    # « Quels jeunes et quelles familles vise l'appel ? »: two words are a noun phrase, not a request of their own
    return pieces if pieces and len(pieces[0].split()) >= 3 else [question.strip(" ?")]


SLOT_WORDS = frozenset({"axe", "an", "ag", "exact", "just", "detail", "plus", "pareil", "cas", "concern", "combien"})


def _own_content(query: Query) -> list[str]:
    """The question's words beyond the slots a follow-up fills (axis, ages) and filler words."""
    return [t for t in query.terms if t not in SLOT_WORDS and not t.isdigit()]


def is_elliptic(query: Query) -> bool:
    """A turn that cannot stand alone: a continuation (« Et pour l'axe 4 ? ») or a reference to what came before
    (« Qui le finance ? ») with little of its own. « Comment évaluer notre plan ? » is complete, and so is a question
    on a fact of the call (« Et la date limite ? »)."""
    if query.intent is Intent.CONVERSATION or isinstance(query.fact, CallFact) or query.subjects:
        return False
    content = _own_content(query)
    if "axe" in query.terms and not query.axes:  # « Les trois axes, c'est lesquels ? »: the axes, no slot to fill
        content.append("axe")
    if not content:
        return True
    folded = fold(query.question)
    if CONTINUATION.match(folded):
        return len(content) <= 3
    if query.fact is None and query.intent is Intent.OTHER and query.answer_type in DETAIL_TYPES and len(content) <= 2:
        return True  # « Combien de participantes ? » after a how-to: a detail of what came before
    return len(content) <= 2 and REFERRING.search(folded) is not None


DETAIL_TYPES = (AnswerType.HOW_MANY, AnswerType.AGE, AnswerType.WHO, AnswerType.HOW_LONG, AnswerType.WHEN)


# « en » standing for the previous subject before a verb of setting one up (« on peut en créer une ? », « en monter un »)
BACK_REFERENCE = re.compile(r"\ben (?:creer|monter|ouvrir|implanter|installer|lancer|avoir|faire|organiser|mettre en place|"
                            r"beneficier|demander)\b")


def _on_previous_subject(own: Query, previous: Query) -> bool:
    """« Combien touchent les jeunes ? » after « le dispositif argent de poche »: a short question that names no
    subject of its own, or refers back, is about the previous one's (not about a fact of the call)."""
    folded = fold(own.question)
    # « Et la CAF peut mettre combien ? » after a question on the PAEJ: a partner's share of the previous programme
    partner_detail = own.subjects and own.fact is None and not any(s.fiche for s in own.subjects) \
        and CONTINUATION.match(folded) \
        and (own.answer_type in DETAIL_TYPES or own.asked.money or own.asked.funder) \
        and any(s.fiche for s in previous.subjects)
    if not previous.subjects or own.intent in (Intent.CONVERSATION, Intent.IDEAS):
        return False
    if BACK_REFERENCE.search(folded) and any(s.fiche for s in previous.subjects):
        return True  # « on peut en créer une si on n'a pas de QPV ? » after « C'est quoi une cité éducative ? »
    if own.subjects:
        return bool(partner_detail)
    refers = REFERRING.search(folded) is not None
    if own.intent is Intent.HOW_TO and own.fact is None and len(_own_content(own)) <= 1 \
            and any(s.fiche for s in previous.subjects):
        return True  # « on commence comment ? » after « Qu'est-ce que le PSFP ? »: how to set it up
    if isinstance(own.fact, CallFact):  # « Et la date limite ? » is about the call; « Et pour quel âge ? » may not be
        # « à partir de quel âge ? » after « Qu'est-ce que TAPAJ ? »: a short general question on the subject
        return refers or (own.fact.follows_subject and (CONTINUATION.match(folded) is not None
                                                        or len(_own_content(own)) <= 2))
    # « Et qui anime les séances, des intervenants extérieurs ? »: a continuation may say a little more
    short = len(_own_content(own)) <= (5 if CONTINUATION.match(folded) else 3)
    # « Combien de séances, et pour quelles classes ? » after « C'est quoi Unplugged ? »: a short factual question
    # with nothing of its own to be about
    detail = own.fact is None and own.intent is Intent.OTHER and own.answer_type in DETAIL_TYPES
    return refers or (isinstance(own.fact, UnstatedFact) or detail) and short


def _at_rank(own: Query, previous: Query, word: str, known: Understanding) -> Query:
    """The previous question on one item of the call's list (an axis, a finalité) asked again of the item the
    follow-up ranks: « Quelle est la première finalité ? » + « et la troisième ? » → the third finalité."""
    current = previous.ordinal or (known.criteria.axis_ids.index(previous.axes[0]) + 1
                                   if known.criteria and previous.axes and previous.axes[0] in known.criteria.axis_ids
                                   else 0)
    if word.startswith("suivant"):
        rank = current + 1
    elif word.startswith("dernier"):
        rank = -1
    else:
        rank = int(word) if word.isdigit() else ORDINALS[word]
    on_axes = previous.fact.lists_axes if isinstance(previous.fact, CallFact) else bool(previous.axes)
    if on_axes and known.criteria:
        axes = known.criteria.axes
        facts = next((f for f in known.facts.facts if f.lists_axes), None)
        if not -1 <= rank <= len(axes) or rank == 0 or facts is None:
            return own
        axis = axes[rank - 1] if rank > 0 else axes[-1]
        return replace(previous, question=own.question, text=f"L'axe {axis.number} de l'appel ?", axes=(axis.id,),
                       intent=Intent.CALL_FACT, fact=facts, answer_type=AnswerType.OTHER, ordinal=rank,
                       borrowed=True, vector=(), focus_vector=())
    if rank < -1 or rank == 0:
        return own
    word = next((w for w, n in ORDINALS.items() if n == rank and len(w) > 4), "derniere")
    text = ORDINAL_ITEM.sub(lambda m: f"{word} {m.group(2)}", fold(previous.text), count=1)
    return replace(previous, question=own.question, text=text, ordinal=rank, borrowed=True, vector=(),
                   focus_vector=())


def _swap_object(own: Query, previous: Query) -> str | None:
    """The previous how-to asked again about the follow-up's object: « Comment mobiliser les bailleurs ? » then
    « Et la police ? » → « Comment mobiliser la police ? »."""
    how = HOW_OBJECT.match(previous.question) if previous.intent is Intent.HOW_TO else None
    folded = fold(own.question)
    if how is None or own.fact is not None or not CONTINUATION.match(folded) or own.axes or own.ages \
            or len(_own_content(own)) > 3:
        return None
    other = BARE_SUBJECT.match(re.sub(r"(?i)^\s*(?:et|mais|alors|aussi)\s+", "", own.question.strip()))
    return f"{how.group('how')}{other.group(0).strip().rstrip(' ?')} ?" if other else None


def _complete(own: Query, previous: Query, known: Understanding) -> Query:
    """The follow-up, completed with what it lacks from the previous question; its own slots win. A question on
    the previous subject (« Et c'est obligatoire pour candidater ? » after « Que veut dire CLSPD ? ») is read again
    with that subject: a fact of the call about it may answer it."""
    relative = relative_ages(fold(own.question), previous.ages)  # « Et pour les plus jeunes ? »
    text = _merge_text(own, previous, relative)
    if previous.subjects and (own.intent is not Intent.OTHER or _own_content(own)):
        fact = known.facts.match(text)
        if isinstance(fact, UnstatedFact) and fact.priority > 0 and not (
                fact.yields_to_programme and any(s.fiche for s in previous.subjects)):
            return replace(own, text=text, intent=Intent.UNSTATED if isinstance(fact, UnstatedFact) else
                           Intent.CALL_FACT, fact=fact, subjects=previous.subjects, terms=tuple(analyse(text)),
                           borrowed=True)
    if previous.intent in (Intent.CALL_FACT, Intent.UNSTATED) and not previous.subjects:
        fact = known.facts.match(text)  # « Et pour une intercommunalité ? » after « Qui peut candidater ? »
        if fact is not None:
            return replace(own, text=text, intent=Intent.UNSTATED if isinstance(fact, UnstatedFact) else
                           Intent.CALL_FACT, fact=fact, terms=tuple(analyse(text)), borrowed=True)
    if previous.subjects and DEFINITION.search(fold(own.question)) and not _own_content(own):
        return replace(own, text=previous.subjects[0].label, intent=Intent.DEFINITION,
                       answer_type=AnswerType.DEFINITION, subjects=previous.subjects, borrowed=True)
    if previous.subjects and (own.intent is not Intent.OTHER or _own_content(own)):
        text = f"{previous.subjects[0].label} : {CONTINUATION.sub('', own.question).strip()}"
    intent = previous.intent if own.intent is Intent.OTHER and not _own_content(own) else own.intent
    if previous.intent is Intent.IDEAS and own.intent is Intent.OTHER and len(_own_content(own)) <= 3:
        intent = Intent.IDEAS  # « Lesquelles sont évaluées ? » after a request for ideas: the same, narrowed
    if intent in (Intent.CALL_FACT, Intent.UNSTATED) and previous.subjects:
        # « Combien touchent les jeunes ? » after « argent de poche »: not the call's amount; « Par où commencer ? »
        # after « Qu'est-ce que le PSFP ? »: how to set it up
        intent = Intent.HOW_TO if HOW.search(fold_question(own.question)) else Intent.OTHER
    answer_type = own.answer_type if own.answer_type is not AnswerType.OTHER else previous.answer_type
    if intent is Intent.DEFINITION:
        answer_type = AnswerType.DEFINITION
    fact = own.fact if own.fact is not None else previous.fact
    return replace(own, text=text, intent=intent, answer_type=answer_type, terms=tuple(analyse(text)),
                   axes=own.axes or previous.axes, subjects=previous.subjects,
                   ages=own.ages or relative or previous.ages,
                   fact=fact if intent in (Intent.CALL_FACT, Intent.UNSTATED) else None,
                   generic_request=previous.generic_request and intent is Intent.IDEAS,
                   proven_only=own.proven_only or previous.proven_only, borrowed=True)


# « Comment mobiliser | les bailleurs sociaux ? »: the how-to's verb, then its object (the part a follow-up replaces)
HOW_OBJECT = re.compile(r"(?i)^\s*(?P<how>comment (?:\S+ ){1,2}?)(?:les?|la|l'|des|du|nos|notre|vos|votre)\b")
AXIS_MENTION = re.compile(r"(?i)\baxes?\s*n?°?\s*[1-9]\b")


def _merge_text(own: Query, previous: Query, relative: tuple[int, int] | None) -> str:
    """The previous question with the follow-up's own slots (axis, ages) put in place of its own:
    « Quelles actions pour l'axe 1 ? » + « Et pour l'axe 4 ? » → « Quelles actions pour l'axe 4 ? ». `relative`: the
    ages the follow-up names by comparison with the previous ones."""
    text = previous.question
    for pattern in (AXIS_MENTION, AGE_RANGE):
        new, old = pattern.search(own.question), pattern.search(text)
        if new and old:
            return text[:old.start()] + new.group(0) + text[old.end():]
    old = AGE_RANGE.search(text)
    if relative and old:  # « Des idées pour les 16-25 ans ? » + « Et pour les plus jeunes ? »
        return text[:old.start()] + f"{relative[0]}-{relative[1]} ans" + text[old.end():]
    rest = CONTINUATION.sub("", fold(own.question)).strip(" ?!.")
    return f"{text.rstrip(' ?')} : {rest} ?" if rest else text
