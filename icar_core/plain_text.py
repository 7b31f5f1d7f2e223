"""Text from a file or an address, made safe to show where Streamlit renders Markdown (no Streamlit here).

Run names and error sentences go into ``st.caption``, ``st.info``, ``st.error`` and button labels,
which render Markdown: ``![x](http://host/p.png)`` would make every visitor's browser fetch an image
and ``**…** :red[…]`` would restyle the page. :func:`markdown_literal` makes such text read as itself.
"""

from __future__ import annotations

import re

# Characters that start Markdown anywhere in a line: emphasis, code, links and images (``[``), inline
# HTML and autolinks (``<``), strikethrough, LaTeX, and the backslash itself. Streamlit's directives
# (``:red[…]``, ``:material/…:`` badges) need a ``[`` after the name, so escaping ``[`` disarms them.
ESCAPED_ANYWHERE = frozenset("\\`*_[]<~$")
# What starts a block only at the beginning of a line: headings, lists, quotes, rules.
LINE_START = re.compile(r"^(?:[#>+=-]|\d+[.)])")


def markdown_literal(text: object) -> str:
    """``text`` on one line, with its Markdown escaped (CommonMark backslash escapes), so it renders
    exactly as typed."""
    line = " ".join(str(text).split())  # no line breaks: every block marker is then at the start
    escaped = "".join("\\" + ch if ch in ESCAPED_ANYWHERE else ch for ch in line)
    start = LINE_START.match(escaped)
    if start:  # "1." -> "1\.", "-" -> "\-"
        marker = start.group(0)
        escaped = (marker[:-1] + "\\" + marker[-1]) + escaped[len(marker):]
    return escaped
