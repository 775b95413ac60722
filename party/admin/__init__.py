"""The back office, in Vietnamese: one module a concern, each registering its models.

`base.py` holds what they share (the diacritic-free search, the unit filter); pledges' admin
builds on `records.py`.
"""

from party.admin import access, accounts, organization, records  # noqa: F401 (each registers its models)
