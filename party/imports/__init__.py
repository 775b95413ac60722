"""Excel import of the organization's records (see base.py for how a sheet works)."""

from party.imports.service import SHEETS, ImportResult, commit_workbook, confirm_batch, preview_workbook

__all__ = ["SHEETS", "ImportResult", "commit_workbook", "confirm_batch", "preview_workbook"]
