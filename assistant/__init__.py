"""aap-assistant: answer a call for projects with grounded answers, draft plans and checks.

>>> from assistant import Assistant           # doctest: +SKIP
>>> a = Assistant.from_settings()             # doctest: +SKIP
"""

__all__ = ["Assistant", "Settings"]


def __getattr__(name: str):
    # Lazy, so that light modules (e.g. the file-extraction child process) do not import the whole stack.
    if name == "Assistant":
        from .facade import Assistant

        return Assistant
    if name == "Settings":
        from .config import Settings

        return Settings
    raise AttributeError(name)
