"""Excel import sheets of the pledge cycle (plans, registrations, awards, good practices), added to
the import mechanism of party.imports.

`PledgesConfig.ready()` appends them to `party.imports.SHEETS`, after the units and members
sheets (and the party's work-record sheets) they refer to.
"""

from pledges.imports.awards import AwardSheet
from pledges.imports.plans import PlanSheet
from pledges.imports.practices import GoodPracticeSheet
from pledges.imports.registrations import PledgeSheet

SHEETS = [PlanSheet, PledgeSheet, AwardSheet, GoodPracticeSheet]

__all__ = ["SHEETS", "AwardSheet", "GoodPracticeSheet", "PlanSheet", "PledgeSheet"]
