"""`Assistant`: the one entry point that the CLI, the UI and the tests use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .criteria import CallCriteria, load_criteria
from .embeddings import make_embeddings
from .errors import DocumentRejected
from .knowledge_base import IngestReport, KnowledgeBase, ProgressCallback
from .loaders import load_knowledge, load_user_file
from .provenance import ANONYMOUS, now_iso
from .store import ChunkStore, DocState

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from .call_facts import CallFacts
    from .answering.models import Answer, Turn
    from .answering.intent_model import IntentClassifier
    from .answering.recognition import FactRecogniser
    from .answering.service import QuestionAnswering
    from .grounding import GroundingChecker, GroundingReport
    from .grounding.call_vectors import CallDataVectors
    from .ingest_jobs import IngestJobs
    from .plans import ActionPlan, ComplianceReport, Profile
    from .plans.planner import Planner
    from .retrieval import AapLangChainRetriever

MAX_CHECK_CHARS = 50_000
UserFile = Path | tuple[Path, str]  # a path, or (path on disk, name the user gave it)


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase, criteria: CallCriteria, chat_model=None):
        self.settings, self.kb, self.criteria = settings, kb, criteria
        self._chat_model = chat_model  # tests inject a fake; otherwise built from the settings on first use

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, rebuild: bool = False) -> "Assistant":
        """Read the `AAP_` settings, load the embedding model and open the store.

        `rebuild`: the store is about to be rebuilt (`aap ingest --rebuild`), so a store made with another
        embedding model is no reason to stop."""
        settings = settings or Settings()
        embeddings = make_embeddings(settings.embedding_model, settings.embedding_batch_size)
        store = ChunkStore.open(
            data_dir=settings.data_dir, collection=settings.collection, model_name=embeddings.name,
            dimension=embeddings.dimension, chroma_host=settings.chroma_host, chroma_port=settings.chroma_port,
            lock_timeout_s=settings.lock_timeout_s, replace_model=rebuild,
            chroma_token=settings.chroma_token.get_secret_value() if settings.chroma_token else None,
            chroma_ssl=settings.chroma_ssl, chroma_ca_file=settings.chroma_ca_file,
        )
        kb = KnowledgeBase(embeddings, store, settings.lexical_dir / settings.collection,
                           settings.sentences_dir / f"{settings.collection}.npz")
        return cls(settings, kb, load_criteria(settings.call_dir))

    # -- knowledge -----------------------------------------------------------------------------------------
    def ingest(self, files: Iterable[UserFile] = (), *, rebuild: bool = False,
               progress: ProgressCallback | None = None, added_by: str | None = None) -> IngestReport:
        """Load the knowledge folder (and user files) into the store; files removed from the folder are dropped."""
        docs = load_knowledge(self.settings.knowledge_dir)
        user_docs, rejected = self._load_user_files(files, added_by)
        report = self.kb.ingest(docs + user_docs, prune_knowledge=True, rebuild=rebuild, progress=progress)
        self._embed_call_data()
        report.documents += len(rejected)
        report.rejected = rejected
        return report

    def add_files(self, files: Iterable[UserFile], progress: ProgressCallback | None = None,
                  added_by: str | None = None) -> IngestReport:
        """Add user documents (kind « document local »); each refused file is reported, the others go in.
        `added_by`: who adds them (the logged-in user; « anonyme » when None), recorded with the time on every
        passage and shown with each citation of them. A document of the same name that someone else added is never
        replaced: that file is refused."""
        user_docs, rejected = self._load_user_files(files, added_by)
        user_docs, taken = self._not_owned_by_others(user_docs)
        rejected += taken
        report = self.kb.ingest(user_docs, progress=progress) if user_docs else IngestReport(
            total_chunks=len(self.kb.lexical))
        report.documents += len(rejected)
        report.rejected = rejected
        return report

    def _not_owned_by_others(self, docs: list) -> tuple[list, list[str]]:
        states = self.kb.documents() if docs else []
        owners = {s.doc_id: s.added_by for s in states if not s.from_knowledge}
        kept, refused = [], []
        for doc in docs:
            owner = owners.get(doc.doc_id)
            if owner and owner != doc.added_by:  # (a document added before authors were recorded has none)
                refused.append(str(DocumentRejected(
                    doc.source, f"un document du même nom (« {doc.doc_id} ») a déjà été ajouté par « {owner} » ; "
                                "renommez votre fichier, ou demandez à un éditeur de retirer l'autre document.")))
            else:
                kept.append(doc)
        return kept, refused

    @cached_property
    def ingestion_jobs(self) -> "IngestJobs":
        """The background queue the web app's uploads go through: one ingestion at a time, bounded (AAP_UPLOAD_*)."""
        from .ingest_jobs import IngestJobs

        settings = self.settings
        return IngestJobs(lambda files, added_by, progress: self.add_files(files, progress=progress,
                                                                            added_by=added_by),
                          max_files=settings.upload_max_files, per_user=settings.upload_queue_per_user,
                          total=settings.upload_queue_total)

    def _load_user_files(self, files: Iterable[UserFile], added_by: str | None = None):
        docs, rejected = [], []
        added_at = now_iso()
        for item in files:
            path, name = (item, None) if isinstance(item, (str, Path)) else item
            try:
                docs.append(load_user_file(Path(path), original_name=name, max_mb=self.settings.max_upload_mb,
                                           timeout_s=self.settings.parse_timeout_s,
                                           memory_mb=self.settings.parse_memory_mb,
                                           added_by=added_by or ANONYMOUS, added_at=added_at))
            except DocumentRejected as exc:
                rejected.append(str(exc))
        return docs, rejected

    def remove_document(self, doc_id: str) -> int:
        removed = self.kb.remove(doc_id)
        # the checker's saved name lexicon holds names read in that document: dropped, rebuilt at the next check
        self._name_lexicon_path.unlink(missing_ok=True)
        return removed

    def documents(self) -> list[DocState]:
        return self.kb.documents()

    # -- answers -------------------------------------------------------------------------------------------
    @cached_property
    def qa(self) -> "QuestionAnswering":
        from .answering.generative import LLMAnswerer
        from .answering.service import QuestionAnswering
        from .llm import make_chat_model, model_label
        from .retrieval import HybridRetriever
        from .scope import ScopeGuard
        from .sentence_scoring import SentenceScorer

        from .answering.actions import fiche_ages
        from .glossary import Glossary
        from .loaders import load_practices

        model = self._chat_model if self._chat_model is not None else make_chat_model(self.settings)
        llm = None if model is None else LLMAnswerer(model, self.criteria.title, self.settings.llm_timeout_s,
                                                     model_label(self.settings),
                                                     context_tokens=self.settings.llm_context_tokens)
        from .text_fr import french_words

        french_words()  # the word list that tells a slip from a word, read now rather than at the first question
        practices = load_practices(self.settings.knowledge_dir)
        retriever = HybridRetriever(self.kb, top_k=self.settings.top_k)
        scorer = SentenceScorer(self.kb.sentences)  # the sentence vectors of ingestion, shared with the checker
        return QuestionAnswering(
            retriever=retriever, scorer=scorer, grounding=self.grounding_checker(retriever, vectors=scorer),
            scope=ScopeGuard.from_knowledge(self.kb.embeddings, self.settings.knowledge_dir, self.criteria),
            criteria=self.criteria, llm=llm, facts=self.call_facts,
            glossary=Glossary.from_knowledge(self.settings.knowledge_dir),
            titles={p.meta.id: p.meta.title for p in practices},
            fiche_ages={p.meta.id: fiche_ages(p.meta.public) for p in practices},
            proven=frozenset(p.meta.id for p in practices if p.meta.evidence == "probant"),
            recogniser=self._fact_recogniser(), intents=self._intent_classifier(),
        )

    @property
    def retriever(self) -> "AapLangChainRetriever":
        """The hybrid search as a LangChain `BaseRetriever` (`assistant.retriever.invoke("date limite ?")`)."""
        return self.qa.retriever.as_langchain()

    def answer_chain(self) -> "Runnable":
        """The answer pipeline as a LangChain `Runnable`: `chain.invoke("Qui peut candidater ?")` → `Answer`."""
        return self.qa.as_runnable()

    def ask(self, question: str, history: Sequence["Turn | dict"] = (), axis: str | None = None) -> "Answer":
        """A cited answer, or an honest « the documents do not cover this » (`insufficient_evidence`)."""
        return self.qa.ask(question, history=history, axis=axis)

    def ask_stream(self, question: str, history: Sequence["Turn | dict"] = (), axis: str | None = None
                   ) -> Iterator["str | Answer"]:
        """Partial texts as an LLM writes them, then the final `Answer` (offline: the `Answer` at once)."""
        return self.qa.stream(question, history=history, axis=axis)

    # -- plans ---------------------------------------------------------------------------------------------
    @cached_property
    def planner(self) -> "Planner":
        from .llm import make_chat_model, model_label
        from .llm_structured import MethodMemory
        from .loaders import load_practices
        from .plans.planner import Planner

        model = (self._chat_model if self._chat_model is not None
                 else make_chat_model(self.settings, max_tokens=self.settings.llm_max_tokens_plan))
        label = model_label(self.settings) if self.settings.llm_provider != "none" else type(model).__name__
        return Planner(self.criteria, load_practices(self.settings.knowledge_dir), self.kb, model,
                       timeout_s=self.settings.llm_timeout_s, label=label, structured=self.settings.llm_structured,
                       memory=MethodMemory(self.settings.data_dir / "llm_methods.json"),
                       context_tokens=self.settings.llm_context_tokens)

    def draft(self, profile: "Profile | dict") -> "ActionPlan":
        """A first-draft plan for a territory, validated (four axes); `InvalidInput` for a malformed profile."""
        return self.planner.draft(profile)

    def validate(self, plan: "ActionPlan | dict | str") -> "ComplianceReport":
        """The plan's compliance report; a broken plan (raw JSON or dict) gives errors, never an exception."""
        return self.planner.validate(plan)

    # -- grounding -----------------------------------------------------------------------------------------
    @cached_property
    def grounding(self) -> "GroundingChecker":
        if "qa" in self.__dict__:  # already answering: one checker (both read the sentence vectors of `kb.sentences`)
            return self.qa.grounding
        from .retrieval import HybridRetriever

        return self.grounding_checker(HybridRetriever(self.kb, top_k=self.settings.top_k))

    def grounding_checker(self, retriever, vectors=None) -> "GroundingChecker":
        """A checker that takes the call pack's data (facts.yaml) and synonyms (synonyms.yaml) as evidence."""
        from .grounding import GroundingChecker
        from .grounding.synonyms import load_synonyms

        return GroundingChecker(retriever, self.criteria, vectors=vectors,
                                statements=self.call_facts.statements(self.criteria),
                                synonyms=load_synonyms(self.settings.call_dir), call_vectors=self.call_data_vectors,
                                lexicon_path=self._name_lexicon_path)

    @cached_property
    def call_data_vectors(self) -> "CallDataVectors":
        """The vectors of the call's data sentences, saved beside the store by `ingest` (the checker's evidence)."""
        from .grounding.call_vectors import CallDataVectors

        return CallDataVectors(self.kb.embeddings, self.settings.sentences_dir / f"call-{self.criteria.id}.npz")

    def _embed_call_data(self) -> None:
        """The checker's evidence prepared with the store: the call's data embedded, the name lexicon saved."""
        from .grounding.call_data import call_statements
        from .grounding.lexicon_cache import name_lexicon

        statements = call_statements(self.criteria, self.call_facts.statements(self.criteria))
        self.call_data_vectors.ensure([s.text for s in statements], index=self.kb.sentences)
        name_lexicon(self.kb, self.criteria, self._name_lexicon_path)
        # the example questions' vectors, so that the first question of a new process does not embed them
        self._fact_recogniser().warm()
        self._intent_classifier().warm()

    def _fact_recogniser(self) -> "FactRecogniser":
        from .answering.recognition import FactRecogniser

        return FactRecogniser(self.call_facts, self.kb.embeddings, self.settings.sentences_dir / "questions.npz")

    def _intent_classifier(self) -> "IntentClassifier":
        from .answering.intent_model import IntentClassifier, fact_labels, load_intent_examples

        examples = load_intent_examples(self.settings.knowledge_dir, self.call_facts)
        return IntentClassifier(examples, self.kb.embeddings, self.settings.sentences_dir / "intents.npz",
                                fact_ids=fact_labels(examples, self.call_facts))

    @property
    def _name_lexicon_path(self) -> Path:
        return self.settings.sentences_dir / f"names-{self.criteria.id}.json"

    @cached_property
    def call_facts(self) -> "CallFacts":
        """What the call pack states on candidates' questions (`facts.yaml`): answers and checker both use it."""
        from .call_facts import load_call_facts

        return load_call_facts(self.settings.call_dir)

    def check(self, text: str, passages: Sequence | None = None) -> "GroundingReport":
        """Sentence by sentence: the passage that supports `text`, or why none does. Its `[n]` marks refer to
        `passages` (retrieval passages or an answer's citations, numbered from 1), which are checked too."""
        from .errors import InvalidInput

        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("Le texte à vérifier est vide.")
        if len(text) > MAX_CHECK_CHARS:
            raise InvalidInput(f"Le texte à vérifier dépasse {MAX_CHECK_CHARS} caractères ; vérifiez-le par parties.")
        self._require_knowledge()
        return self.grounding.check(text, passages)

    def check_plan(self, plan: "ActionPlan | dict | str") -> "GroundingReport":
        """What the plan claims against its origin: each action against the fiche's action template it was filled
        from, objectives against the call, the summary against the profile; rewritten text against the fiches'
        passages (sentence by sentence)."""
        from .grounding.plans import PlanChecker

        self._require_knowledge()
        return PlanChecker(self.criteria, self.planner.catalogue.practices, self.grounding, self.kb).check(plan)

    def _require_knowledge(self) -> None:
        from .errors import InvalidInput

        if not self.kb.store.count():
            raise InvalidInput("La base de connaissances est vide : lancez d'abord `aap ingest`.")
