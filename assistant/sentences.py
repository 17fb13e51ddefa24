"""French sentence splitting that survives abbreviations ("M.", "art.", "n°", "p. ex."), numbers and lists.

>>> split_sentences("Selon l'art. L.132-7 du CSI, le maire convoque. Les parents viennent aussi ! 2,5 M€ sont prévus.")
["Selon l'art. L.132-7 du CSI, le maire convoque.", 'Les parents viennent aussi !', '2,5 M€ sont prévus.']
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "art", "arts", "al", "n", "no", "nos", "p", "pp",
    "ex", "cf", "etc", "env", "av", "bd", "vol", "chap", "éd", "ed", "réf", "ref", "coll", "min", "max", "hab", "approx",
    "sq", "vs", "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc", "dec", "j", "c", "cass", "crim",
}
CITATION = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
# the end of a sentence, with its closing quotes and the citation marks put after it ("… ici. [1] Puis …")
BOUNDARY = re.compile(r"([.!?…]+(?:\s?[»”\")])*(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*)(\s+)(?=(?:[«\"“(]\s?)?[A-ZÀ-ÖØ-Þ0-9])")
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)]|[a-z]\))\s+")
# After "etc." a new sentence starts only with one of these words (a name may follow "etc." mid-sentence).
SENTENCE_STARTS = {"le", "la", "les", "l", "il", "elle", "ils", "elles", "ce", "cette", "ces", "cet", "on", "un", "une",
                   "des", "pour", "dans", "en", "au", "aux", "si", "ainsi", "chaque", "tous", "toutes", "leur", "leurs",
                   "nous", "vous", "c", "d", "de", "du", "par", "sur", "selon", "enfin", "puis", "mais", "cependant"}
# Whether a sentence ends with an abbreviation is read from its last characters only: rereading the whole candidate at
# each boundary made a long run of abbreviations quadratic (45,000 characters of « art. Loi » took 16 s).
ABBREVIATION_TAIL = 400


def strip_citations(text: str) -> str:
    return CITATION.sub("", text).strip()


def _ends_with_abbreviation(text: str, following: str = "") -> bool:
    word = re.search(r"(\w+)\.$", text)
    if not word:
        return False
    token = word.group(1)
    if token.lower() == "etc":
        next_word = re.match(r"[«\"“(\s]*(\w+)", following)
        return not (next_word and next_word.group(1).lower() in SENTENCE_STARTS)
    return token.lower() in ABBREVIATIONS or (len(token) == 1 and token.isupper())


def _blocks(text: str) -> list[str]:
    """Paragraphs; a heading, a list item or a table row is a block of its own."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        own = stripped.startswith("#") or "|" in stripped or LIST_ITEM.match(line)
        if not stripped or own:
            if current:
                blocks.append(" ".join(current))
                current = []
            if own:
                blocks.append(stripped)
            continue
        current.append(stripped)
    if current:
        blocks.append(" ".join(current))
    return blocks


def split_sentences(text: str) -> list[str]:
    """Sentences in order; list items, headings and table rows are sentences of their own."""
    sentences: list[str] = []
    for block in _blocks(text):
        line = LIST_ITEM.sub("", block).lstrip("#").strip()
        if not line:
            continue
        start = 0
        for match in BOUNDARY.finditer(line):
            candidate = line[start:match.end(1)]
            if _ends_with_abbreviation(strip_citations(candidate[-ABBREVIATION_TAIL:]),
                                       line[match.end(2):match.end(2) + ABBREVIATION_TAIL]):
                continue
            if candidate.strip():
                sentences.append(candidate.strip())
            start = match.end(2)
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def clean_markdown(text: str) -> str:
    """The text without Markdown links and emphasis, one space between words."""
    text = re.sub(r"\[([^\]]+)\]\((?:[^)]+)\)", r"\1", text)  # [label](url)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def source_sentences(text: str) -> list[tuple[str, int]]:
    """(sentence without Markdown, index of its paragraph or list item) for the sentences of a passage that make a
    claim (three words or more; headings left out): what the grounding checker compares a text with."""
    out = []
    for b, block in enumerate(_blocks(text)):
        if block.startswith("#"):
            continue
        out += [(s, b) for s in map(clean_markdown, split_sentences(block)) if len(s.split()) >= 3]
    return out


def section_heading(section: str) -> str | None:
    """The last level of a chunk's section (« Finalités > Dépôt » → « Dépôt »), when it says something (two words or
    more): the grounding checker reads a passage's first sentences with it."""
    heading = clean_markdown(section.split(" > ")[-1]) if section else ""
    return heading if len(heading.split()) >= 2 else None
