from pledges.models.plans import Plan, PlanDeed
from pledges.models.pledges import NotEvaluatedReason, Pledge, PledgeDeed, PledgeStatus
from pledges.models.ratings import RatingLevel, RatingScale

__all__ = [
    "NotEvaluatedReason",
    "Plan",
    "PlanDeed",
    "Pledge",
    "PledgeDeed",
    "PledgeStatus",
    "RatingLevel",
    "RatingScale",
]
