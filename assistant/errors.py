"""Typed errors of the core. Each carries a French message meant for the user; front ends show `str(error)`."""


class AapError(Exception):
    """Base class: the message is French and can be shown as is."""


class ConfigurationError(AapError):
    pass


class EmbeddingModelMismatch(AapError):
    def __init__(self, stored: str, stored_dim: int, configured: str, configured_dim: int):
        self.stored, self.configured = stored, configured
        super().__init__(
            f"La base a été construite avec le modèle de plongement « {stored} » (dimension {stored_dim}), "
            f"mais le modèle configuré est « {configured} » (dimension {configured_dim}). "
            "Mélanger les deux fausserait la recherche. Reconstruisez la base : `aap ingest --rebuild` "
            "(ou remettez AAP_EMBEDDING_MODEL à sa valeur d'origine)."
        )


class StoreLocked(AapError):
    def __init__(self, path: str):
        super().__init__(
            "La base est en cours de modification par un autre processus (une ingestion ?). "
            f"Réessayez quand elle sera terminée. Verrou : {path}"
        )


class StoreUnavailable(AapError):
    pass


class DocumentRejected(AapError):
    """A file could not be ingested; the message names the file and says why."""

    def __init__(self, filename: str, reason: str):
        self.filename, self.reason = filename, reason
        super().__init__(f"« {filename} » n'a pas été ajouté : {reason}")


class InvalidInput(AapError):
    """Malformed user input (profile, plan, question); the message lists each problem."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message if not self.problems else message + "\n" + "\n".join(f"- {p}" for p in self.problems))
