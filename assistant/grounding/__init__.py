"""Grounding checker: sentence by sentence, the passage that supports a text, or why none does.

>>> from assistant.grounding import GroundingChecker, GroundingReport, SentenceCheck   # doctest: +SKIP
"""

from .checker import GroundingChecker, Thresholds
from .models import CitationCheck, GroundingReport, GroundingSummary, SentenceCheck, SourcePassage

__all__ = ["CitationCheck", "GroundingChecker", "GroundingReport", "GroundingSummary", "SentenceCheck",
           "SourcePassage", "Thresholds"]
