"""Fixtures shared by the unit tests: the shipped call's criteria and practice fiches, read once per module."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.loaders import load_practices


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(Settings(_env_file=None).call_dir)


@pytest.fixture(scope="module")
def practices():
    return load_practices(Settings(_env_file=None).knowledge_dir)
