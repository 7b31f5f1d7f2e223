"""Altair chart builders: pure functions from arrays and frames to ``alt.Chart`` (no Streamlit).

``common`` holds the shared builders (heatmaps on a symmetric diverging scale, line charts);
one module per dashboard area builds that area's figures from them; ``export`` turns any chart
into PNG, SVG or a self-contained HTML report, offline.
"""
