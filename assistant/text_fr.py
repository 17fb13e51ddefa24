"""French text analysis for lexical search: tokens, stop words, Snowball stemming, accents folded.

>>> analyse("Les compétences psychosociales des collégiens")
['competent', 'psychosocial', 'collegien']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_keeping_offsets(text: str) -> str:
    """Lower case without accents, one character for one, so that match offsets stay valid in the original."""
    out = []
    for char in text.lower():
        kept = fold_accents(char)
        out.append(kept[0] if len(kept) == 1 else char)
    return "".join(out)


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes and spaces made plain: how questions are matched.

    >>> fold("Jusqu’à quand peut-on déposer ?")
    "jusqu'a quand peut-on deposer ?"
    """
    return " ".join(fold_accents(text.lower().replace("’", "'").replace("œ", "oe")).split())


def analyse(text: str) -> list[str]:
    """Lower case, split on non-word characters, drop stop words, stem, then fold accents."""
    words = [w for w in TOKEN.findall(text.lower().replace("’", "'")) if w not in STOP_WORDS and not w.isdigit() or
             (w.isdigit() and len(w) >= 2)]
    words = [w for w in words if fold_accents(w) not in STOP_WORDS]
    return [fold_accents(stem) for stem in _stemmer().stemWords(words)]
