"""Campaign 4, short: 4 simulated users for 30 s through `gradio_client` (questions, drafts, checks), a colleague's
`aap ingest` meanwhile, then a burst of 20 against a queue of 5. No errors; past the limit, the French « queue
full » message. Latency and memory are measured by the full campaign (`python -m hardening load`), not asserted."""

from __future__ import annotations

import pytest

from hardening import load

pytestmark = pytest.mark.integration


def test_simulated_users_get_answers_and_a_burst_gets_the_queue_full_message(tmp_path):
    result = load.run(tmp_path, users=4, minutes=0.5, burst=20, queue_size=5, log=lambda *_: None)
    assert result["calls"] >= 4 and result["errors"] == 0, result["error_examples"]
    assert result["during_ingestion"]["ingest_exit"] == 0
    assert result["during_ingestion"]["notes_answered_after_without_restart"]
    burst = result["burst"]
    assert burst["other_errors"] == 0, burst["examples"]
    # the French message is the `detail` of the refusal's body; gradio_client 2.7 itself only says « 400 Bad Request »
    # (README: how to read it), the web page shows the message
    assert burst["queue_full"] + burst["queue_full_in_http_detail"] >= 1 and burst["ok"] >= 5
    assert result["server_outbound_attempts"] == 0
