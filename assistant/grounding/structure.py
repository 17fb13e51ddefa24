"""What a passage says through its layout: a list's lead-in gives each item its subject (« au moins une action dans
chacun des axes suivants : » + « - lutter contre l'attractivité des réseaux »), and a list counts its items (« les
axes suivants » followed by four items: four axes).

>>> text = "Chaque projet vise l'une des finalités suivantes :\\n\\n- prévenir l'entrée ;\\n- former les professionnels."
>>> [lead for _, _, lead in passage_sentences(text)]
[None, "Chaque projet vise l'une des finalités suivantes :", "Chaque projet vise l'une des finalités suivantes :"]
>>> listed_counts(text)
{(2, 'final')}
"""

from __future__ import annotations

import re

from ..sentences import LIST_ITEM, _blocks, clean_markdown, source_sentences, split_sentences
from ..text_fr import fold

# words after which a lead-in names what it lists: « les axes suivants : », « les cinq finalités que voici : »
LISTING_WORDS = {"suivant", "suivante", "suivants", "suivantes", "ci-dessous", "ci-apres", "voici"}


def noun_key(word: str) -> str:
    """What a count's noun is compared by: « axes », « axe » → « axe » ; « finalités » → « final »."""
    return fold(word).rstrip("sx")[:5]


def _lists(text: str) -> list[tuple[int, str, list[int]]]:
    """(index of the lead-in's block, the lead-in sentence, indexes of its items' blocks) of each list of `text`."""
    out: list[tuple[int, str, list[int]]] = []
    lead: tuple[int, str] | None = None
    items: list[int] = []
    for b, block in enumerate(_blocks(text)):
        if LIST_ITEM.match(block):
            if lead is not None:
                items.append(b)
            continue
        if lead is not None and items:
            out.append((lead[0], lead[1], items))
        lead, items = None, []
        if block.startswith("#"):
            continue
        sentences = split_sentences(block)
        if sentences and sentences[-1].rstrip().endswith(":"):
            lead = (b, clean_markdown(sentences[-1]))
    if lead is not None and items:
        out.append((lead[0], lead[1], items))
    return out


def passage_sentences(text: str) -> list[tuple[str, int, str | None]]:
    """`sentences.source_sentences` with, for a list item, the sentence that leads in to its list."""
    lead_of = {b: lead for _, lead, items in _lists(text) for b in items if len(lead.split()) >= 3}
    return [(s, b, lead_of.get(b)) for s, b in source_sentences(text)]


def listed_counts(text: str) -> set[tuple[int, str]]:
    """(number of items, noun) of each list whose lead-in names what it lists (the noun before « suivants », or the
    lead-in's last word)."""
    out = set()
    for _, lead, items in _lists(text):
        words = re.findall(r"[^\W\d_][\w'-]*", lead)
        if not words:
            continue
        folded = [fold(w) for w in words]
        noun = next((words[i - 1] for i, w in enumerate(folded) if w in LISTING_WORDS and i > 0), words[-1])
        out.add((len(items), noun_key(noun.split("'")[-1])))
    return out


ITEM_BREAK = re.compile(r",\s*|;\s*|\s+(?:et|ou)\s+")
COUNTING_VERB = re.compile(r"\s+(?:sont|constituent|forment|représentent)\s+", re.I)


def stated_counts(text: str, counted_in) -> dict[tuple[int, str], str]:
    """The counts a sentence establishes by listing the items itself, on the other side of a colon or of the verb
    that counts them: « Lutter contre les idées reçues, soutenir les parents et renforcer les CPS : ce sont les trois
    leviers » lists its three levers, « Réduire l'attrait des réseaux et offrir des alternatives sont deux des axes »
    two axes. `counted_in(part)`: the (number, noun key, noun) counts a part of the sentence states."""
    parts = text.split(":")
    if len(parts) != 2:  # « X et Y sont deux des axes » : the items, then the verb that counts them
        parts = COUNTING_VERB.split(text, maxsplit=1)
        if len(parts) != 2:
            return {}
    out = {}
    for listing, counting in (parts, parts[::-1]):
        items = [i for i in ITEM_BREAK.split(listing.strip(" .;")) if i.strip()]
        if len(items) < 2:
            continue
        for value, key, word in counted_in(counting):
            if value == len(items):
                out[(int(value), key)] = f"la phrase en énumère {len(items)}"
    return out
