"""What each dashboard page shows, computed from a loaded run: plain functions of a
:class:`~icar_core.checkpoints.Checkpoint` and the page's inputs, returning frames and numbers.
Pages cache them through ``icar_core.ui.cached`` and draw them with ``icar_core.charts``."""
