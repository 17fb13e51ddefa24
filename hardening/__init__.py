"""Hardening campaigns (issue 7): each one a bounded, rerunnable script; `python -m hardening --help`.

Short versions run in CI through tests/hardening/; full ones on demand with `make harden`. Figures: docs/reliability.md.
"""
