"""Campaign 4b, short: 3 simulated users ask while 2 editors add a one-line text without punctuation and a
PDF each through the Documents tab, as the page does (add, then follow the progress). No errors, every file added,
the server connects nowhere. Latency is measured by the full campaign (`python -m hardening uploads`), not here."""

from __future__ import annotations

import pytest

from hardening import uploads

pytestmark = pytest.mark.integration


def test_users_keep_getting_answers_while_editors_upload(tmp_path):
    result = uploads.run(tmp_path, users=3, minutes=0.25, editors=2, files=2, text_bytes=50_000, pdf_pages=4,
                         knowledge="small", log=lambda *_: None)
    assert result["calls"] >= 3 and result["errors"] == 0, result
    sent = result["uploads"]
    assert sent["files"] == 4 and sent["added"] == 4, sent
    assert result["during_uploads"]["calls"] >= 1  # users were answered while a file was being ingested
    assert result["server_outbound_attempts"] == 0
