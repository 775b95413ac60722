"""The work-record mechanism shared by every kind of record (meetings, inspections, awards...)."""
