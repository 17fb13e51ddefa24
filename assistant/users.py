"""Who may sign in to the web app, and what each may do: two roles, from the settings.

`AAP_USERS` is a file path or an inline value: one account per line (or separated by `;`), written
`utilisateur:rôle:motdepasse`, the password in clear or as a `pbkdf2_sha256$…` hash (`aap password-hash`). Roles:
`lecteur` (asks, drafts, checks) and `éditeur` (also adds and removes documents). The single account of `AAP_AUTH`
(`utilisateur:motdepasse`) is an editor, as it could always add documents.

    users = Users.from_settings(settings)       # None: no login asked (the app is then one person's)
    users.check("camille", "secret")            # True / False
    users.role("camille")                       # Role.READER
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .errors import ConfigurationError
from .text_fr import fold_accents

HASH_PREFIX = "pbkdf2_sha256"
HASH_ITERATIONS = 200_000


class Role(str, Enum):
    READER = "lecteur"
    EDITOR = "éditeur"

    @property
    def edits_documents(self) -> bool:
        return self is Role.EDITOR


ROLE_NAMES = {fold_accents(r.value): r for r in Role}
# a login is shown beside the documents it added: letters, digits and a few signs, nothing a page would read as markup
LOGIN = re.compile(r"[\w.@+-][\w .@+-]{0,63}")


def hash_password(password: str, *, salt: str | None = None, iterations: int = HASH_ITERATIONS) -> str:
    """`pbkdf2_sha256$iterations$salt$hash`: what `AAP_USERS` may hold instead of a password in clear."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), iterations)
    return f"{HASH_PREFIX}${iterations}${salt}${base64.b64encode(digest).decode('ascii')}"


def _matches(password: str, secret: str) -> bool:
    if secret.startswith(HASH_PREFIX + "$"):
        try:
            _, iterations, salt, _digest = secret.split("$", 3)
            expected = hash_password(password, salt=salt, iterations=int(iterations))
        except ValueError:
            return False
        return hmac.compare_digest(expected, secret)
    return hmac.compare_digest(password.encode("utf-8"), secret.encode("utf-8"))


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    secret: str  # a password in clear or its hash

    def __repr__(self) -> str:  # never the secret in a log or a traceback
        return f"Account({self.name!r}, {self.role.value!r})"


@dataclass(frozen=True)
class Users:
    accounts: dict[str, Account]

    def check(self, name: str, password: str) -> bool:
        account = self.accounts.get(name)
        if account is None:
            _matches(password, hash_password("", salt="x"))  # about the same time as for a known name
            return False
        return _matches(password, account.secret)

    def role(self, name: str | None) -> Role | None:
        account = self.accounts.get(name or "")
        return account.role if account else None

    @classmethod
    def from_settings(cls, settings) -> "Users | None":
        """The accounts of `AAP_USERS` and `AAP_AUTH`; None when neither is set (no login)."""
        accounts: dict[str, Account] = {}
        if settings.users is not None:
            accounts.update(parse_accounts(_users_text(settings.users.get_secret_value())))
        if settings.auth is not None:
            name, _, password = settings.auth.get_secret_value().partition(":")
            if not LOGIN.fullmatch(name.strip()) or not password:
                raise ConfigurationError("AAP_AUTH doit s'écrire `utilisateur:motdepasse` (utilisateur fait de lettres, "
                                         "de chiffres, d'espaces ou de « . @ + - _ »).")
            accounts.setdefault(name.strip(), Account(name.strip(), Role.EDITOR, password))
        return cls(accounts) if accounts else None


def _users_text(value: str) -> str:
    """`AAP_USERS` names a file, or holds the accounts itself."""
    candidate = value.strip()
    if "\n" not in candidate and ";" not in candidate and candidate.count(":") < 2:
        try:
            return Path(candidate).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"AAP_USERS : le fichier des comptes est introuvable ou illisible ({exc.strerror})."
                                     ) from exc
    return candidate


def parse_accounts(text: str) -> dict[str, Account]:
    """`utilisateur:rôle:motdepasse` per line or `;`-separated; `#` starts a comment line."""
    accounts: dict[str, Account] = {}
    entries = [e.strip() for line in text.splitlines() for e in line.split(";")]
    for number, entry in enumerate((e for e in entries if e and not e.startswith("#")), start=1):
        name, _, rest = entry.partition(":")
        role_name, _, secret = rest.partition(":")
        role = ROLE_NAMES.get(fold_accents(role_name.strip().lower()))
        if not LOGIN.fullmatch(name.strip()) or role is None or not secret:
            raise ConfigurationError(
                f"AAP_USERS, compte n° {number} : écrivez `utilisateur:rôle:motdepasse`, le rôle étant `lecteur` ou "
                "`éditeur` et l'utilisateur fait de lettres, de chiffres, d'espaces ou de « . @ + - _ » (64 au plus).")
        if name.strip() in accounts:
            raise ConfigurationError(f"AAP_USERS : le compte « {name.strip()} » est défini deux fois.")
        accounts[name.strip()] = Account(name.strip(), role, secret)
    return accounts


def may_remove(user: str, role: Role | None, added_by: str) -> bool:
    """An editor removes any added document; anyone else only the ones they added."""
    return role is Role.EDITOR or (bool(added_by) and added_by == user)
