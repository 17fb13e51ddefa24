"""French text analysis for lexical search: tokens, stop words, Snowball stemming, accents folded.

>>> analyse("Les compétences psychosociales des collégiens")
['competent', 'psychosocial', 'collegien']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

import Stemmer

STOP_WORDS = frozenset("""
a à afin ai aie aient ainsi alors au aucun aucune aupres auprès aussi autre autres aux avait avant avec avoir ayant
c ça car ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez ci comme comment d dans de des
deux doit donc dont du elle elles en encore entre est et etait était etc été être eu eux fait faire faut il ils j je
jusqu l la le les leur leurs lors lui m ma mais me meme même mes moi mon n ne ni nos notre nous on ont ou où par
parce pas peu peut peuvent plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se selon
ses si son sont sous sur t ta te tes toi ton tous tout toute toutes tres très tu un une unes uns vers via vos
votre vous y est-ce quoi ya
""".split())

TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


class _CharTable(dict):
    """For `str.translate`: each character's replacement, computed by `rule` the first time it is seen (folding
    character by character in Python cost the grounding checker a third of its time)."""

    def __init__(self, rule):
        super().__init__()
        self.rule = rule

    def __missing__(self, code: int) -> str:
        value = self[code] = self.rule(chr(code))
        return value


def _without_accent(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


_ACCENTS = _CharTable(_without_accent)
_SAME_LENGTH = _CharTable(lambda c: (lambda kept: kept if len(kept) == 1 else c)(_without_accent(c)))
_ALNUM = _CharTable(lambda c: "".join(x if x.isalnum() else " " for x in _without_accent(c)))


def fold_accents(text: str) -> str:
    return text.translate(_ACCENTS)


def fold_keeping_offsets(text: str) -> str:
    """Lower case without accents, one character for one, so that match offsets stay valid in the original."""
    return text.lower().translate(_SAME_LENGTH)


def fold_words(text: str) -> str:
    """Lower case, accents removed, every other character than a letter or a digit a space, spaces squeezed."""
    return " ".join(text.lower().translate(_ALNUM).split())


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes and spaces made plain: how questions are matched.

    >>> fold("Jusqu’à quand peut-on déposer ?")
    "jusqu'a quand peut-on deposer ?"
    """
    return " ".join(fold_accents(text.lower().replace("’", "'").replace("œ", "oe")).split())


# « ça vaut quand même le coup ? » asks nothing about a date: « quand même » (even so) is not « quand » (when)
_EVEN_SO = re.compile(r"\b(?:quand (?:bien )?|tout de )meme\b")


def fold_question(text: str) -> str:
    """`fold`, with « quand même » / « tout de même » read as the « même » they mean."""
    return _EVEN_SO.sub("meme", fold(text))


# Chat shorthand a first-time user types (« budget max ? », « les ados », « l'interco », « l'AAP »), in the words the
# documents use, so that matching, retrieval and the scope guard read it as they read the documents
COLLOQUIAL = {
    "max": "maximum", "mini": "minimum", "asso": "association", "assos": "associations", "ado": "adolescent",
    "ados": "adolescents", "interco": "intercommunalité", "intercos": "intercommunalités",
    "comcom": "communauté de communes", "agglo": "agglomération", "agglos": "agglomérations",
    "aap": "appel à projets", "subv": "subvention", "subvs": "subventions",
    "presta": "prestataire", "prestas": "prestataires",
    "educ": "éducateur", "éduc": "éducateur", "educs": "éducateurs", "éducs": "éducateurs", "gamin": "jeune",
    "gamins": "jeunes", "gamine": "jeune", "gamines": "jeunes", "gosse": "jeune", "gosses": "jeunes",
    "môme": "jeune", "mômes": "jeunes", "keuf": "policier", "keufs": "policiers", "flic": "policier",
    "flics": "policiers", "dealeur": "dealer", "dealeurs": "dealers", "rdv": "rendez-vous", "bcp": "beaucoup",
    "qd": "quand", "pr": "pour", "ptit": "petit", "ptite": "petite", "ptits": "petits", "ptites": "petites",
    "dispo": "disponible", "dispos": "disponibles", "appli": "application", "com com": "communauté de communes",
    "es ce": "est-ce", "esce": "est-ce", "eske": "est-ce que", "esque": "est-ce que",
    # the apostrophe left out when typing fast
    "cest": "c'est", "quest ce": "qu'est-ce", "quest-ce": "qu'est-ce", "lappel": "l'appel", "laap": "l'AAP",
    "laxe": "l'axe", "daxes": "d'axes", "daxe": "d'axe", "dactions": "d'actions", "daction": "d'action",
    "jai": "j'ai", "koi": "quoi", "kel": "quel", "kelle": "quelle", "kels": "quels", "kelles": "quelles",
    # politeness, which asks nothing (« Résume-moi l'appel stp »)
    "stp": "", "svp": "", "s'il te plait": "", "s'il te plaît": "", "s'il vous plait": "", "s'il vous plaît": "",
}
_COLLOQUIAL = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, COLLOQUIAL), key=len, reverse=True)) +
                         r")(?![\w-])", re.IGNORECASE)


# typed fast: « c koi », « c la première fois » (c'est), « a t il », « faut il » (the inversion's hyphens left out)
C_EST = re.compile(r"(?<![\w'’-])c (?=(?:quoi|koi|qui|quand|combien|comment|pour|la|le|les|l'|un|une|obligatoire|"
                   r"possible|gratuit|payant|quel|quelle|quels|quelles)\b)", re.IGNORECASE)
INVERSION_T = re.compile(r"\b(a|va|y a) t (il|elle|on)\b", re.IGNORECASE)
INVERSION = re.compile(r"\b(est|peut|doit|faut|sont|ont|peuvent|doivent|pourra|faudra|existe|suffit|dois|peux|"
                       r"devons|pouvons) (il|elle|ils|elles|on|je|nous|vous)\b(?=[^.!]*\?|[^.!?]*$)", re.IGNORECASE)


def expand_colloquial(text: str) -> str:
    """« budget max pour les ados ? » → « budget maximum pour les adolescents ? »"""
    expanded = _COLLOQUIAL.sub(lambda m: COLLOQUIAL[m.group(1).lower()], text)
    expanded = INVERSION.sub(r"\1-\2", INVERSION_T.sub(r"\1-t-\2", C_EST.sub("c'est ", expanded)))
    if expanded == text:
        return text
    return re.sub(r"\s*,\s*(?=[?!.]|$)", " ", re.sub(r"[ \t]{2,}", " ", expanded)).strip(" ,;")


TYPO_MIN_LETTERS = 5  # shorter words are too often other words one letter apart


def correct_typos(text: str, vocabulary: frozenset[str], knows: Callable[[str], bool]) -> str:
    """Words typed with one slip (« limte », « subvension ») put right when one word of `vocabulary` (folded words
    of the call pack) is one edit away; a word whose stem the base `knows` is a word, not a slip (« mettre »)."""
    def fix(match: re.Match) -> str:
        word = match.group(0)
        folded = fold(word)
        if len(folded) < TYPO_MIN_LETTERS or folded in vocabulary or not folded.isalpha() \
                or folded in french_words() or all(knows(stem) for stem in analyse(word)):
            return word  # a French word, or one the base uses (« fasse », « pistes »): no slip
        for edits in _one_edit(folded):  # the likeliest slip first: a letter left out, two swapped, one wrong
            near = edits & vocabulary
            if near:
                return near.pop() if len(near) == 1 else word
        return word
    return TOKEN.sub(fix, text)


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """Every word of general French (`wordfreq`'s list), folded: a word typed as one of them is no slip."""
    from wordfreq import iter_wordlist

    return frozenset(fold(word) for word in iter_wordlist("fr", wordlist="best"))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> list[set[str]]:
    """The strings one edit away from `word`: a letter added, two swapped, one replaced, one removed."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return [{a + c + b for a, b in splits for c in _LETTERS},
            {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1},
            {a + c + b[1:] for a, b in splits if b for c in _LETTERS},
            {a + b[1:] for a, b in splits if b}]


def analyse(text: str) -> list[str]:
    """Lower case, split on non-word characters, drop stop words, stem, then fold accents."""
    words = [w for w in TOKEN.findall(text.lower().replace("’", "'")) if w not in STOP_WORDS and not w.isdigit() or
             (w.isdigit() and len(w) >= 2)]
    words = [w for w in words if fold_accents(w) not in STOP_WORDS]
    return [fold_accents(stem) for stem in _stemmer().stemWords(words)]
