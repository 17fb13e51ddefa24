"""Names that must agree between a sentence and its source: the call's actors (with their aliases), acronyms and
what they stand for, programmes (fiche titles) and other proper names (places, institutions).

A sentence *requires* each name it mentions; a passage *offers* the names it mentions in any form (an alias, the
acronym or its expansion, any case). A required name that the passage does not offer is a mismatch.

>>> lexicon = EntityLexicon.build(load_criteria(Path("knowledge/calls/mildeca-2024")), [])   # doctest: +SKIP
>>> lexicon.required("La PJJ et la gendarmerie à Sarcelles.")                                  # doctest: +SKIP
{'actor:pjj': 'PJJ', 'actor:gendarmerie': 'gendarmerie', 'name:sarcelles': 'Sarcelles'}
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..criteria import CallCriteria
from ..text_fr import fold_words

ACRONYM = re.compile(r"(?<![\w-])(?=[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z])([A-Z][A-Za-z0-9]+(?:-[A-Z][A-Za-z0-9]*)?)(?:'s)?"
                     r"(?![\w-])")
CAPITALISED = re.compile(r"(?<![\w'’-])([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]*)*)(?![\w])")
GLOSSARY_LINE = re.compile(r"^\s*-\s*\*\*([^*]+)\*\*\s*(?:\([^)]*\)\s*)?[—–-]\s*([^:;]+?)(?:\s*:|$)", re.M)
ELISION = re.compile(r"\b([lLdD])['’](?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])")
MAX_PROGRAMME_DOCS = 5
TITLE_ACRONYM = re.compile(r"^(.+?)\s*\(([A-Z][A-Za-z0-9]+)\)")


# Aliases so common that naming them proves nothing ("la ville", "les associations"): offered, never required.
GENERIC_NAMES = ["ville", "commune", "collectivité", "intercommunalité", "mairie", "associations", "clubs", "écoles",
                 "collèges", "lycée", "justice", "département", "bailleurs", "enseignants", "gardiens", "parquet",
                 "centres sociaux", "appel à projets"]
# Capitalised words that are not names, or too vague to require.
NOT_NAME_WORDS = ["état", "états", "france", "axe", "appel", "fiche", "programme", "dispositif", "plan", "projet",
                  "premier", "ministre", "loi", "code", "article", "selon", "lien", "points", "exemples", "apport",
                  "comment", "indicateurs", "partenaires", "description", "mise", "vigilance"]


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation, and no plural mark: "Maisons des ados" ~ "maison de ado"."""
    return " ".join(_singular(w) for w in fold_words(text).split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"  # départementaux -> departemental
    return word[:-1] if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss") else word


GENERIC = {fold(name) for name in GENERIC_NAMES}
NOT_NAMES = {fold(word) for word in NOT_NAME_WORDS}


@dataclass
class EntityLexicon:
    phrases: dict[str, str] = field(default_factory=dict)  # folded phrase -> class
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym as written (upper case) -> class
    known_names: set[str] = field(default_factory=set)  # folded words written capitalised inside sentences
    labels: dict[str, str] = field(default_factory=dict)  # class -> a French name for messages
    spellings: dict[str, str] = field(default_factory=dict)  # folded phrase -> the name as first written

    @classmethod
    def build(cls, criteria: CallCriteria, texts: Iterable[tuple[str, str]]) -> "EntityLexicon":
        """`texts`: (title, text) of every document of the knowledge."""
        lexicon = cls()
        for actor in criteria.actors:
            key = f"actor:{actor.id}"
            lexicon.labels[key] = actor.label
            for name in (actor.label, *actor.aliases):
                lexicon._add(name, key)
        texts = list(texts)
        capitalised: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        folded_docs = [f" {fold(text)} " for _, text in texts]
        doc_frequency: Counter[str] = Counter()
        for title, _ in texts:
            for head in [*re.findall(r"«\s*([^»]+?)\s*»", title), re.split(r"\s*[(:—,]|\s+et\s+", title)[0]]:
                folded = re.sub(r"^(?:dispositif|programme|le|la|les) ", "", fold(head))
                doc_frequency[folded] = sum(f" {folded} " in doc for doc in folded_docs)
        for title, text in texts:
            for match in GLOSSARY_LINE.finditer(text):
                names = [n.strip() for n in match.group(1).split("/")]
                expansions = [e.strip() for e in match.group(2).split("/")]
                for i, name in enumerate(names):
                    key = lexicon._acronym_class(name)
                    if len(names) == len(expansions) or len(names) == 1:
                        expansion = expansions[i] if len(names) == len(expansions) else match.group(2)
                        expansion = re.sub(r"\s*\([^)]*\)", "", expansion).strip()  # "Good Behavior Game (« … »)"
                        if expansion and "(" not in expansion and len(expansion.split()) <= 10:
                            known = lexicon.phrases.get(fold(expansion))
                            if known and name.upper() in lexicon.acronyms:  # "GBG" is the programme of the fiche
                                lexicon.acronyms[name.upper()] = known
                            lexicon._add(expansion, lexicon.acronyms.get(name.upper(), key), generic_ok=False)
            found = TITLE_ACRONYM.match(title)
            if found and " et " not in found.group(1):
                known = lexicon.phrases.get(fold(found.group(1)))
                if known:
                    lexicon.acronyms[found.group(2).upper()] = known
                lexicon._add(found.group(1), lexicon._acronym_class(found.group(2)), generic_ok=False)
            lexicon._add_programme(title, doc_frequency)
            for token in ACRONYM.findall(text):
                lexicon._acronym_class(token)
            for sentence_tail in re.split(r"[.!?:\n]\s+", text):
                words = sentence_tail.split()
                for word in words[1:]:
                    clean = word.strip("«»\"“”()[],;.*")
                    if CAPITALISED.fullmatch(clean):
                        capitalised[fold(clean)] += 1
                    elif clean.islower():
                        lower[fold(clean)] += 1
        lexicon.known_names = {w for w, n in capitalised.items() if n > lower[w] and w not in NOT_NAMES and len(w) > 2}
        return lexicon

    def _acronym_class(self, token: str) -> str:
        token = token.strip()
        key = self.acronyms.get(token.upper())
        if key is None:
            key = f"acr:{token.upper()}"
            self.acronyms[token.upper()] = key
            self.labels.setdefault(key, token)
        return key

    def _add(self, name: str, key: str, generic_ok: bool = True) -> None:
        name = name.strip()
        if ACRONYM.fullmatch(name) or (name.isupper() and len(name) >= 2):
            self.acronyms.setdefault(name.upper(), key)
            return
        folded = fold(name)
        if folded and (generic_ok or folded not in GENERIC):
            self.phrases.setdefault(folded, key)
            self.spellings.setdefault(folded, name)

    def _add_programme(self, title: str, doc_frequency: Counter[str]) -> None:
        """A fiche's title names a programme: "Primavera", "Chantiers éducatifs", « Argent de poche ».

        A title that names a topic many documents share ("Compétences psychosociales") names no programme.
        """
        heads = re.findall(r"«\s*([^»]+?)\s*»", title)
        named = TITLE_ACRONYM.match(title)
        if not named or " et " in named.group(1):  # "Programme … (PSFP)": the expansion is already the acronym's
            heads.append(re.split(r"\s*[(:—,]|\s+et\s+", title)[0])
        key = None
        for head in heads:
            folded = re.sub(r"^(?:dispositif|programme|le|la|les) ", "", fold(head))
            if not folded or len(folded.split()) > 4 or folded in self.phrases or doc_frequency[folded] > MAX_PROGRAMME_DOCS:
                continue
            key = key or f"prog:{folded}"
            self.labels.setdefault(key, head)
            self.phrases[folded] = key
            self.spellings.setdefault(folded, head)

    # -- use ------------------------------------------------------------------------------------------------
    def _phrase_hits(self, text: str, overlap: bool = False) -> list[tuple[int, int, str, str]]:
        """(start, end, class, phrase) in the folded text, longest phrases first, without overlaps unless asked."""
        folded = f" {fold(text)} "
        hits: list[tuple[int, int, str, str]] = []
        for phrase in sorted(self.phrases, key=len, reverse=True):
            start = folded.find(f" {phrase} ")
            while start >= 0:
                end = start + len(phrase) + 2
                if overlap or not any(s < end and start < e for s, e, _, _ in hits):
                    hits.append((start, end, self.phrases[phrase], phrase))
                start = folded.find(f" {phrase} ", start + 1)
        return hits

    def offered(self, text: str) -> set[str]:
        """Every class that `text` names, in any form, and every word of it (for proper names)."""
        classes = {key for _, _, key, _ in self._phrase_hits(text, overlap=True)}
        classes |= {self.acronyms.get(t.upper(), f"acr:{t.upper()}") for t in ACRONYM.findall(text)}
        classes |= {f"name:{w}" for w in fold(text).split()}
        return classes

    def required(self, sentence: str) -> dict[str, str]:
        """class -> the name as the sentence writes it, for the names a source must offer."""
        required: dict[str, str] = {}
        covered: set[str] = set()
        for _, _, key, phrase in self._phrase_hits(sentence):
            covered.update(phrase.split())
            if phrase not in GENERIC:
                required.setdefault(key, self.spellings.get(phrase, phrase))
        for token in ACRONYM.findall(sentence):
            key = self.acronyms.get(token.upper(), f"acr:{token.upper()}")
            covered.add(fold(token))
            required.setdefault(key, token)
        sentence = ELISION.sub(r"\1' ", sentence)  # "l'Intérieur": a name after an elided article
        for match in CAPITALISED.finditer(sentence):
            name = fold(match.group(1))
            if name in covered:
                continue
            before = sentence[:match.start()].rstrip()
            initial = not before or before[-1] in ".!?:;—–-•*" or before.endswith(("**", "#"))
            if initial and name not in self.known_names:
                continue
            for word in name.split():  # "États-Unis", "Melun-Le Mée-sur-Seine": each significant word
                if word not in covered and word not in NOT_NAMES and len(word) > 3:
                    required.setdefault(f"name:{word}", match.group(1))
        return required
