from pledges.models.awards import Award, AwardCategory, AwardForm, AwardIssuer, Programme
from pledges.models.plans import Plan, PlanDeed
from pledges.models.pledges import NotEvaluatedReason, Pledge, PledgeDeed, PledgeStatus, registration_readable
from pledges.models.practices import GoodPractice, PracticeKind
from pledges.models.ratings import RatingLevel, RatingScale

__all__ = [
    "Award",
    "AwardCategory",
    "AwardForm",
    "AwardIssuer",
    "GoodPractice",
    "NotEvaluatedReason",
    "Plan",
    "PlanDeed",
    "Pledge",
    "PledgeDeed",
    "PledgeStatus",
    "PracticeKind",
    "Programme",
    "RatingLevel",
    "RatingScale",
    "registration_readable",
]
