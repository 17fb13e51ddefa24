"""Campaign 3, short: 30 fuzzed files, the fast known bad ones and special files, through the loader, through
`Assistant.add_files` and through `aap ingest`. Full (1,000 fuzzed, every bad file): `python -m hardening files`."""

from __future__ import annotations

import pytest

from hardening import files

pytestmark = pytest.mark.integration


def test_hostile_files_are_ingested_or_refused_in_french_and_never_move_the_store(tmp_path):
    result = files.run(tmp_path, fuzz=30, quick=True, store_sample=20, cli_sample=15, parse_timeout_s=10,
                       log=lambda *_: None)
    parse, store, cli = result["parse"], result["store"], result["cli"]
    assert result["known_bad"] >= 40
    assert parse["crashed"] == 0, parse["crashes"]
    assert parse["not_french"] == 0, parse["not_french_examples"]
    assert parse["unexpected"] == 0, parse["unexpected_examples"]
    assert parse["accepted"] + parse["refused"] == result["fuzzed"] + result["known_bad"] + result["special"]
    assert store["crashes"] == 0 and store["batches_that_moved_the_store"] == 0, store["problems"]
    assert store["chunks_left_after_removal"] == 0 and store["integrity_problems"] == []
    assert set(cli["exit_codes"]) <= {0, 1} and cli["tracebacks"] == 0, cli["examples"]
    assert cli["refusals_not_french"] == 0, cli["examples"]


def test_a_utf16_text_file_from_windows_notepad_is_read(tmp_path):
    from assistant.loaders import load_user_file

    note = tmp_path / "note.txt"
    note.write_bytes("Prévention : médiation sociale au pied des immeubles.".encode("utf-16"))
    assert "médiation sociale" in load_user_file(note, max_mb=1, timeout_s=20, memory_mb=512).text
