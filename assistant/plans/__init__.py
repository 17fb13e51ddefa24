"""Action plans: a territory profile in, a four-axis plan out, checked against the call and exported.

>>> from assistant.plans import load_profile, ActionPlan      # doctest: +SKIP
>>> plan = assistant.draft(load_profile("examples/profiles/grande-ville.yaml"))  # doctest: +SKIP
"""

from .compliance import ComplianceReport
from .models import Action, ActionPlan, Calendar, Evaluation, FicheRef, Governance, Objective, Phase
from .profile import Profile, load_profile

__all__ = ["Action", "ActionPlan", "Calendar", "ComplianceReport", "Evaluation", "FicheRef", "Governance", "Objective",
           "Phase", "Profile", "load_profile"]
