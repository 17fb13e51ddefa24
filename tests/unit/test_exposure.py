"""`aap serve` on an address other machines reach: refused without accounts unless said public (issue 15, 7)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from assistant import Settings
from assistant.cli import main
from assistant.errors import ConfigurationError
from ui.server import check_exposure


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "mairie.example.fr"])
def test_serving_the_network_without_login_is_refused_with_a_french_warning(host):
    result = CliRunner().invoke(main, ["serve", "--host", host], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"l'adresse d'écoute « {host} » rend l'application accessible depuis d'autres machines" in result.output
    assert "aap serve --public" in result.output and "Application ouverte" not in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_nothing(host):
    check_exposure(host, Settings(_env_file=None))


@pytest.mark.parametrize("settings, public", [
    (Settings(_env_file=None, users=SecretStr("a:lecteur:x")), False),
    (Settings(_env_file=None, auth=SecretStr("a:x")), False),
    (Settings(_env_file=None, public=True), False),
    (Settings(_env_file=None), True),
])
def test_accounts_or_an_explicit_public_choice_allow_the_network(settings, public):
    check_exposure("0.0.0.0", settings, public)
    with pytest.raises(ConfigurationError):
        check_exposure("0.0.0.0", Settings(_env_file=None))
