"""System checks: refuse to start (runserver, migrate, check) without defusedxml under openpyxl.

openpyxl parses uploaded workbooks with defusedxml only when that package is installed and
OPENPYXL_DEFUSEDXML is not "False"; otherwise it silently falls back to the standard library's
parsers, which expand XML entities (a "billion laughs" sheet would exhaust memory). The upload
check (party/imports/safety.py) refuses DTDs itself, but the parser is the last line of defence.
"""

from django.core.checks import CheckMessage, Error


def defusedxml_in_use(app_configs=None, **kwargs) -> list[CheckMessage]:
    import openpyxl.xml
    from openpyxl.xml import functions

    if openpyxl.xml.DEFUSEDXML and functions.iterparse.__module__.startswith("defusedxml"):
        return []
    return [
        Error(
            "openpyxl is not using defusedxml to parse uploaded workbooks.",
            hint=(
                "Install the defusedxml package (it is in pyproject.toml) and do not set "
                "OPENPYXL_DEFUSEDXML=False in the environment."
            ),
            obj="openpyxl",
            id="party.E001",
        )
    ]
