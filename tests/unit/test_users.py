"""Accounts and roles of the web app (`AAP_USERS`, `AAP_AUTH`): assistant/users.py."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from assistant import Settings
from assistant.errors import ConfigurationError
from assistant.users import Role, Users, hash_password, may_remove


def _users(**values) -> Users | None:
    return Users.from_settings(Settings(_env_file=None, **values))


def test_inline_accounts_with_roles_and_hashed_or_clear_passwords():
    users = _users(users=SecretStr(f"camille:lecteur:{hash_password('c4m!lle:x')}; dominique:Editeur:d0m"))
    assert users.check("camille", "c4m!lle:x") and not users.check("camille", "c4m!lle")
    assert users.check("dominique", "d0m") and not users.check("dominique", "D0M")
    assert not users.check("inconnu", "d0m")
    assert users.role("camille") is Role.READER and users.role("dominique") is Role.EDITOR
    assert users.role("inconnu") is None and users.role(None) is None
    assert "d0m" not in repr(users)  # no password in a log or a traceback


def test_accounts_from_a_file_and_aap_auth_as_an_editor(tmp_path):
    path = tmp_path / "comptes.txt"
    path.write_text("# comptes de la mairie\nalix:lecteur:a1\n\nbenoit:éditeur:b2\n", encoding="utf-8")
    users = _users(users=SecretStr(str(path)), auth=SecretStr("agent:s3cret"))
    assert set(users.accounts) == {"alix", "benoit", "agent"}
    assert users.role("agent") is Role.EDITOR and users.check("agent", "s3cret")
    assert _users() is None  # no account: no login asked


@pytest.mark.parametrize("value, message", [
    ("alix:admin:a1;b:lecteur:b", "compte n° 1"), ("alix:lecteur:;b:lecteur:b", "compte n° 1"),
    ("<img src=x>:lecteur:a", "compte n° 1"), ("a/b:lecteur:a", "compte n° 1"),
    ("a:lecteur:x;a:éditeur:y", "défini deux fois"), ("absent.txt", "introuvable"),
])
def test_a_malformed_account_list_is_refused_in_french(value, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match=message):
        _users(users=SecretStr(value))


def test_only_an_editor_or_the_uploader_removes():
    assert may_remove("alix", Role.EDITOR, "benoit")
    assert may_remove("alix", Role.READER, "alix")
    assert not may_remove("alix", Role.READER, "benoit") and not may_remove("", Role.READER, "")
    assert not may_remove("alix", None, "benoit")
