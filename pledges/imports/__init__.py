"""Excel import sheets of the pledge cycle, added to the import mechanism of party.imports.

`PledgesConfig.ready()` appends them to `party.imports.SHEETS`, after the units and members
sheets they refer to.
"""

from pledges.imports.plans import PlanSheet
from pledges.imports.registrations import PledgeSheet

SHEETS = [PlanSheet, PledgeSheet]

__all__ = ["SHEETS", "PlanSheet", "PledgeSheet"]
