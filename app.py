"""icar dashboard: ``streamlit run app.py``.

Streamlit finds :data:`app` here and serves ``dashboard.py`` (the script every visitor's page runs). The server
warms up as it starts (:mod:`icar_core.warmup`), so its first visitor does not wait for torch and the default
run's first picture.
"""

import streamlit as st

from icar_core.warmup import lifespan

app = st.App("dashboard.py", lifespan=lifespan)
