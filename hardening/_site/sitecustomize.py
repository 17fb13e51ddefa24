"""Installs the network guard in every Python subprocess started with `hardening.netguard.child_env`."""

import os
import sys

if os.environ.get("NETGUARD_LOG"):
    _root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, _root)
    try:
        from hardening.netguard import install

        install(os.environ["NETGUARD_LOG"])
    finally:
        sys.path.remove(_root)
