"""Campaign 6: no question, profile or document text in the logs (in process, CLI, `aap serve`), a removed
document leaves nothing (store, BM25, search, database file), and the CLI and the server stay on the loopback.
The whole suite runs under the socket guard of tests/conftest.py. Same as `python -m hardening privacy`."""

from __future__ import annotations

import pytest

from hardening import privacy

pytestmark = pytest.mark.integration


def test_private_text_stays_out_of_logs_and_a_removed_document_leaves_nothing(tmp_path):
    result = privacy.run(tmp_path, log=lambda *_: None)
    session, cli, server = result["in_process"], result["cli"], result["server"]
    assert session["secrets_in_logs_at_default_level"] == 0
    assert session["removed_chunks"] >= 1
    assert (session["chunks_left"], session["bm25_entries_left"], session["found_after_removal"]) == (0, 0, 0)
    assert session["data_files_with_text_after_removal"] == []
    assert cli["secrets_in_stderr"] == [] and cli["outbound_attempts"] == 0
    assert server["secrets_in_server_output"] == []
    assert server["server_outbound_attempts"] == 0, server["server_attempt_examples"]
    assert server["client_outbound_attempts"] == 0
