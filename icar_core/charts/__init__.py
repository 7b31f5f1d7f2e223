"""Altair chart builders: pure functions from arrays and frames to ``alt.Chart`` (no Streamlit).

``common`` holds the shared builders (heatmaps on a symmetric diverging scale, line charts);
one module per dashboard area builds that area's figures from them; ``export`` turns any chart
into PNG, SVG or a self-contained HTML report, offline.
"""

from altair.utils.schemapi import disable_debug_mode

# Altair validates every schema object as it is built (its "debug mode"): a page's heatmaps spent most of a rerun
# there. The whole spec is still validated once, when the chart is drawn or exported (``to_dict``).
disable_debug_mode()
