"""Excel import sheets of the pledge cycle (plans, registrations, awards, good practices), on the
import mechanism of party.imports; `PledgesConfig.ready()` registers them after party's sheets."""

from pledges.imports.awards import AwardSheet
from pledges.imports.plans import PlanSheet
from pledges.imports.practices import GoodPracticeSheet
from pledges.imports.registrations import PledgeSheet

__all__ = ["AwardSheet", "GoodPracticeSheet", "PlanSheet", "PledgeSheet"]
