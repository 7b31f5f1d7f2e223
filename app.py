"""icar dashboard: ``streamlit run app.py``.

The entry point draws the shared sidebar (language, run picker, failed files, upload, the link to the view)
and then the chosen page (``ui.run_app``); the pages live in ``app_pages/``.
"""

import streamlit as st
import torch

from icar_core import ui
from icar_core.runtime import configure_allocator, freeze_imported_objects, limit_native_threads, release_free_memory

# The models are small: on a shared 2-core CPU, torch's and BLAS's worker threads cost more than they save.
torch.set_num_threads(1)
limit_native_threads()
# Memory a visitor's analyses released goes back to the system, not to heaps that never shrink.
configure_allocator()
release_free_memory()
freeze_imported_objects()
st.set_page_config(page_title="icar", page_icon=":material/rotate_right:", layout="wide")
ui.run_app()
