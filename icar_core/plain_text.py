"""Text from a file or an address, made safe to show where Streamlit renders Markdown (no Streamlit here).

Run names and error sentences go into ``st.caption``, ``st.info``, ``st.error`` and button labels,
which render Markdown: ``![x](http://host/p.png)`` would make every visitor's browser fetch an image
and ``**…** :red[…]`` would restyle the page. :func:`markdown_literal` makes such text read as itself.
"""

from __future__ import annotations

# Every ASCII punctuation character that Markdown, Streamlit's directives (``:red[…]``, ``:material/…:``)
# or LaTeX (``$…$``) give a meaning; CommonMark lets a backslash make any of them literal.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&=\"'^")


def markdown_literal(text: object) -> str:
    """``text`` on one line, with every Markdown-special character escaped, so it renders as typed."""
    line = " ".join(str(text).split())  # no line breaks: a line start could begin a heading or a list
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in line)
