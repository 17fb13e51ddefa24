"""From a text (an answer, a draft, a colleague's paragraph) to the sentences that make a claim.

Headings, list introductions ("Partenaires :") and fragments make none and are left out. `[n]` marks are kept
aside as the sentence's citations; Markdown emphasis is removed.

>>> [c.text for c in claims_of("## Dépôt\\nLe dossier est déposé avant le 30 avril 2024 [1].\\nÀ retenir :")]
['Le dossier est déposé avant le 30 avril 2024.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .details import PLAN_AXIS_LABEL
from ..sentences import CITATION, _blocks, clean_markdown, split_sentences  # noqa: F401 (clean_markdown: re-exported)

MARK = re.compile(r"\[(\d{1,6}(?:\s*[,;]\s*\d{1,6})*)\]")  # a longer number is no citation
BOLD_LABEL = re.compile(r"^\*\*[^*]+\*\*\s*:\s*")
MIN_WORDS = 3


@dataclass(frozen=True)
class Claim:
    text: str  # as written, without the [n] marks
    plain: str  # what is checked: no Markdown, one space between words
    cited: tuple[int, ...]
    unlabelled: str = ""  # without a leading "**Label** :"

    @property
    def without_label(self) -> str:
        """The sentence without a leading "**Label** :" (the title an answer puts before a quoted sentence). A plain
        "À Ville, pour les 11-15 ans :" stays: it is part of what the sentence claims."""
        return self.unlabelled or self.plain


def cited_numbers(sentence: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for group in MARK.findall(sentence):
        numbers += [int(n) for n in re.split(r"\s*[,;]\s*", group)]
    return tuple(dict.fromkeys(numbers))


def _makes_a_claim(sentence: str, cited: tuple[int, ...]) -> bool:
    if cited:
        return True
    if sentence.endswith(":"):
        return False
    return len(re.findall(r"\w+", sentence)) >= MIN_WORDS


def claims_of(text: str) -> list[Claim]:
    claims: list[Claim] = []
    for block in _blocks(text or ""):
        if block.startswith("#") or re.fullmatch(r"[|:\-\s]+", block):
            continue  # headings and table rules
        block = block.strip("|").replace(" | ", " ; ") if "|" in block else block
        for sentence, stated in _with_questions_joined(split_sentences(block)):
            cited = cited_numbers(sentence)
            written, statement = _as_written(sentence), _as_written(stated)
            plain = clean_markdown(statement)
            if plain and _makes_a_claim(plain, cited):
                unlabelled = clean_markdown(BOLD_LABEL.sub("", statement, count=1))
                claims.append(Claim(text=written, plain=plain, cited=cited, unlabelled=unlabelled))
    return claims


def _as_written(sentence: str) -> str:
    """The sentence without its `[n]` marks, one space between words, no space before its final punctuation."""
    return re.sub(r"\s+([.,;:!?])$", r"\1", " ".join(CITATION.sub("", sentence).split()))


def _with_questions_joined(sentences: list[str]) -> list[tuple[str, str]]:
    """(as written, as stated) of each sentence. A question followed by its answer (a FAQ's « Qui peut candidater ?
    Les communes et les EPCI. ») is one claim, stated as the answer with what the question asks about (« Les communes
    et les EPCI peut candidater. »): alone, the question claims nothing."""
    out: list[tuple[str, str]] = []
    for sentence in sentences:
        if out and out[-1][0] == out[-1][1] and CITATION.sub("", out[-1][0]).rstrip().endswith("?"):
            question = out[-1][0]
            out[-1] = (f"{question} {sentence}", faq_statement(CITATION.sub("", question), CITATION.sub("", sentence)))
        else:
            out.append((sentence, sentence))
    return out


# the words that make a question of a FAQ's line, before what it asks about (« Combien d' | actions ? »)
INTERROGATIVE = re.compile(r"^\s*(?:et\s+)?(?:est-ce\s+qu(?:e\s+|['’])|qu['’]est-ce\s+qu(?:i\s+|e\s+|['’])|"
                           r"(?:(?:[àa]|pour|avec|aupr[eè]s de|par)\s+)?qui|que|quoi|quel(?:le)?s?|"
                           r"combien(?:\s+de\b|\s+d['’])?|quand|o[uù]|comment|pourquoi)(?:\s+|$|(?<=['’]))", re.I)
INVERTED = re.compile(r"-t-(?:il|elle|on)\b|-(?:il|elle|ils|elles|on|nous|vous)\b", re.I)


def faq_statement(question: str, answer: str) -> str:
    """A FAQ's question and its answer as one statement: who is asked comes before what is said of them; anything
    else is what the answer is about, then the answer (« Dépôt : uniquement en ligne. »)."""
    asked = INVERTED.sub("", INTERROGATIVE.sub("", question.strip().rstrip(" ?"), count=1)).strip(" ,")
    if not asked:
        return answer
    if re.match(r"\s*(?:et\s+)?qui\b", question, re.I):
        return f"{answer.strip().rstrip('.')} {asked}."
    return f"{asked[0].upper()}{asked[1:]} : {answer.strip()}"


# « Selon l'appel, … », « La fiche rappelle que … », « Comme le souligne la fiche, … »: the source named, then the claim
SOURCE_NAME = r"(?:l['’]appel|la fiche|le texte|les sources|la mildeca|ses auteurs)"
REPORTING_VERB = (r"(?:rappelle|indique|pr[eé]cise|souligne|note|rel[eè]ve|explique|affirme|estime|observe|mentionne|"
                  r"signale|dit|constate|pr[eé]conise|recommande|propose|pr[eé]voit)(?:nt)?")
# a note's or an e-mail's opening words (« Pour mémoire, », « À noter : »): how it is said, not what
NOTE_OPENING = (r"(?:pour m[eé]moire|pour rappel|pour information|[àa] noter|rappel|note|en bref|concr[eè]tement|"
                r"par ailleurs|en outre|de plus|ainsi|enfin|surtout|en r[eé]sum[eé])\s*[,:]\s*")
REPORTING_FRAME = re.compile(
    rf"^\s*(?:{NOTE_OPENING})?(?:(?:selon|d['’]apr[eè]s)\s+{SOURCE_NAME}[^,]{{0,40}},"
    rf"|comme\s+(?:le\s+|l['’])?{REPORTING_VERB}\s+{SOURCE_NAME}[^,]{{0,30}},"
    rf"|{SOURCE_NAME}(?:\s+(?:sur|consacr[ée]e?\s+[àa]|de la mildeca)\b[^,]{{0,50}}?)?\s+(?:le\s+)?{REPORTING_VERB}\s+"
    r"qu(?:e\s+|['’])|)\s*", re.I)
# the same said after the claim (« …, comme le préconise la fiche. ») or within it (« le constat dressé par l'appel »)
TRAILING_FRAME = re.compile(rf",?\s*comme\s+(?:le\s+|l['’])?{REPORTING_VERB}\s+{SOURCE_NAME}[^.,;]{{0,30}}(?=[.;]?\s*$)",
                            re.I)
INNER_FRAME = re.compile(rf"\s+(?:cit[ée]e?s?|dress[ée]e?s?|d[ée]crite?s?|mentionn[ée]e?s?|relev[ée]e?s?|[ée]voqu[ée]e?s?)"
                         rf"\s+(?:par|dans)\s+{SOURCE_NAME}\b", re.I)


# a plan's or a chat answer's lead-in: « Axe 3 — Action : », « Objectif : », « Oui : », « D'après la fiche, »
PLAN_LEAD_IN = re.compile(rf"^(?:{PLAN_AXIS_LABEL.pattern}\s*(?:[^.:]{{0,60}}\.\s*)?)?\s*(?:\*\*)?"
                          r"(?:(?:action|objectif|public|partenaires?|indicateurs?|résultats? attendus?|calendrier|"
                          r"porteur|moyens|oui|non)\s*(?:\*\*)?\s*:\s*)?", re.I)


def without_reporting_frame(text: str) -> str:
    """The claim without the words that name its source (« Selon l'appel, ») or label it in a plan (« Axe 3 —
    Action : »), when it has them."""
    bare = PLAN_LEAD_IN.sub("", text, count=1).strip() or text
    bare = INNER_FRAME.sub("", TRAILING_FRAME.sub("", bare)).strip() or bare
    return REPORTING_FRAME.sub("", bare, count=1).strip() or bare

