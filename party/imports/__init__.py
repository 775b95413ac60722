"""Excel import of the organization's records (see base.py for how a sheet works, registry.py for
which sheets a workbook may hold, service.py for the preview and the confirmation)."""

from party.imports.service import (
    ImportResult,
    commit_workbook,
    confirm_batch,
    preview_batch,
    preview_workbook,
)

__all__ = ["ImportResult", "commit_workbook", "confirm_batch", "preview_batch", "preview_workbook"]
