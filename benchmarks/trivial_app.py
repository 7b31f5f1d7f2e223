"""Baseline for ``benchmarks/app_latency.py``: the smallest Streamlit app that draws one Altair chart.

    streamlit run benchmarks/trivial_app.py
"""

import altair as alt
import pandas as pd
import streamlit as st

data = pd.DataFrame({"x": range(20), "y": [value * value for value in range(20)]})
st.title("Trivial app")
st.altair_chart(alt.Chart(data, title="y = x²").mark_line(point=True).encode(x="x", y="y"))
