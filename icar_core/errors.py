"""Errors the app shows as a sentence rather than a traceback."""


class NotApplicableError(ValueError):
    """An analysis was asked of a run whose kind it does not apply to (e.g. heads of a PE-only run)."""
