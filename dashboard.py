"""The dashboard's script, run by Streamlit for every visitor's every rerun (``app.py`` serves it).

It draws the shared sidebar (language, run picker, failed files, upload, the link to the view) and then the
chosen page (``ui.run_app``); the pages live in ``app_pages/``.
"""

import streamlit as st

from icar_core import ui
from icar_core.runtime import configure_process, freeze_imported_objects, release_free_memory

configure_process()
# Memory a visitor's analyses released goes back to the system, not to heaps that never shrink.
release_free_memory()
freeze_imported_objects()
st.set_page_config(page_title="icar", page_icon=":material/rotate_right:", layout="wide")
ui.run_app()
