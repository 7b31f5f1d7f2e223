"""The dashboard's script, run by Streamlit for every visitor's every rerun (``app.py`` serves it).

A new visitor at Home's plain address first gets Home's header and picture from the copy stored beside the default
run (:func:`icar_core.ui_base.first_paint`, torch-free, so a fresh server's first visitor sees it while torch
loads). Then the shared sidebar (language, run picker, failed files, upload, the link to the view) and the chosen
page (``ui.run_app``); the pages live in ``app_pages/``.
"""

import streamlit as st

from icar_core import warmup
from icar_core.ui_base import CHECKPOINT_DIR, first_paint

st.set_page_config(page_title="icar", page_icon=":material/rotate_right:", layout="wide")
slot = first_paint(CHECKPOINT_DIR)
warmup.visitor_arrived()

# Imported only now: torch and the runs come with them.
from icar_core import ui  # noqa: E402
from icar_core.runtime import configure_process, freeze_imported_objects, release_free_memory  # noqa: E402

configure_process()
# Memory a visitor's analyses released goes back to the system, not to heaps that never shrink.
release_free_memory()
freeze_imported_objects()
ui.run_app(slot)
