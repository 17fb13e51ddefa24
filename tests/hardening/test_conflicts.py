"""Conflict campaign, short: documents that contradict the call on each of its facts (deadline, submission,
applicants, minimum of actions, axes) never have their value stated as the call's, and each is shown as a conflict;
documents that agree with the call raise none. Full: `python -m hardening conflicts`."""

from __future__ import annotations

import pytest

from hardening import conflicts

pytestmark = pytest.mark.integration


def test_contradicting_documents_are_conflicts_never_the_calls_value(tmp_path, knowledge_assistant):
    result = conflicts.run(tmp_path, docs=6, agreeing=3, knowledge="full",
                           data_from=knowledge_assistant.settings.data_dir, log=lambda *_: None)
    assert set(result["by_fact"]) == {"deadline", "submission", "applicants", "min_actions", "axes"}
    assert result["formats"] == [".md", ".txt"] and result["with_an_order"] >= 1
    assert result["stated_as_call"] == 0, result["examples"]
    assert result["conflicts_shown"] == result["call_first"] == result["answers"] == 6, result["examples"]
    assert (result["order_leads"], result["false_conflicts"]) == (0, 0), result["examples"]
