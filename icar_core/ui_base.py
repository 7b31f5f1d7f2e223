"""The torch-free part of the UI layer: text, page headers, charts, and the launch's first paint.

:mod:`icar_core.ui` builds the dashboard (runs, sidebar, the run policy, caching) on these and re-exports them to
the pages. They import neither torch nor the runs, so that ``dashboard.py`` can draw :func:`first_paint` (Home's
header and picture, from the copy stored beside the default run) before it imports :mod:`icar_core.ui`:
a fresh server's first visitor then sees the picture about as soon as a trivial app's chart, while torch loads.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import altair as alt
import streamlit as st
from streamlit import dataframe_util
from streamlit.delta_generator import DeltaGenerator

from icar_core.charts.export import to_png, to_svg
from icar_core.charts.gd import trajectory_chart
from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec, from_altair
from icar_core.home_picture import DEFAULT_RUN, HomePicture, stored_picture
from icar_core.i18n import translate
from icar_core.plain_text import markdown_literal

ROOT = Path(__file__).resolve().parent.parent
# The shipped runs; ICAR_CHECKPOINT_DIR points the dashboard at another folder (tests, private runs).
CHECKPOINT_DIR = Path(os.environ.get("ICAR_CHECKPOINT_DIR") or ROOT / "checkpoints")
#: Set in the session once its first run has read the view's address (:func:`icar_core.ui.run_app`).
ADDRESS_READ = "_address_read"
HOME_PATHS = ("", "home")  # Home's url paths: the default page's and its own


def lang() -> str:
    return st.session_state.get("lang", "en")


def t(key: str, **values: object) -> str:
    """UI text for ``key`` in the chosen language."""
    return translate(key, lang(), **values)


def plain(text: object) -> str:
    """A value from a file or an address (a run name, an error sentence) as literal text for the
    Markdown that captions, messages and labels render."""
    return markdown_literal(text)


def page_header(title: str, lead: str, verdict: str | None = None, good: bool | None = None) -> None:
    """Title, one plain sentence of what the page shows, and the live verdict for the run."""
    st.title(title)
    st.markdown(lead)
    if verdict:
        box = st.success if good else st.warning if good is False else st.info
        box(verdict)


# Download buttons call these outside the script run (no Streamlit context), so plain caches.
_png = functools.lru_cache(maxsize=64)(to_png)
_svg = functools.lru_cache(maxsize=64)(to_svg)


# Charts are drawn from their Vega-Lite spec without Altair's JSON-schema validation, which cost a third of a warm
# rerun of Model vs GD. Tests (and a developer, with ICAR_STRICT_CHARTS=1) validate every chart drawn.
STRICT_CHARTS = os.environ.get("ICAR_STRICT_CHARTS") == "1"


@content_memo
def vega_lite_spec(chart: alt.TopLevelMixin | VegaLiteSpec) -> dict:
    """``chart`` as a Vega-Lite dict with its data as Arrow datasets (the form Streamlit's own Altair path sends to
    the browser), validated only under ``STRICT_CHARTS`` (memoised: a fresh copy each call, as Streamlit edits the
    spec it is given)."""
    if not isinstance(chart, VegaLiteSpec):
        chart = from_altair(chart)
    if STRICT_CHARTS:
        chart.to_dict(validate=True)
    return {"$schema": alt.SCHEMA_URL, **copy.deepcopy(chart.spec),
            "datasets": {name: dataframe_util.convert_anything_to_arrow_bytes(frame)
                         for name, frame in chart.datasets.items()}}


def in_concatenation(chart: alt.TopLevelMixin | VegaLiteSpec) -> alt.TopLevelMixin | VegaLiteSpec:
    """``chart``, a single view or layer as a one-panel vertical concatenation: Streamlit's chart theme ignores the
    height of a single view or layer but keeps the sizes of the panels of a concatenation."""
    if isinstance(chart, VegaLiteSpec):
        return chart.in_vconcat()
    if isinstance(chart, (alt.VConcatChart, alt.HConcatChart, alt.ConcatChart)):
        return chart
    return alt.vconcat(chart)


def show_chart(chart: alt.TopLevelMixin | VegaLiteSpec, name: str, downloads: bool = True) -> None:
    """Draw ``chart`` with PNG and SVG download buttons (converted only when clicked; none without ``downloads``)."""
    chart = in_concatenation(chart)
    st.vega_lite_chart(vega_lite_spec(chart), width="content")
    if not downloads:
        return
    with st.container(horizontal=True):  # side by side at their natural width, even in narrow columns
        st.download_button("PNG", data=lambda: _png(chart.to_json(validate=False)), file_name=f"{name}.png",
                           mime="image/png", key=widget_key(f"png-{name}"), on_click="ignore",
                           icon=":material/download:", help=t("common.download_png"))
        st.download_button("SVG", data=lambda: _svg(chart.to_json(validate=False)), file_name=f"{name}.svg",
                           mime="image/svg+xml", key=widget_key(f"svg-{name}"), on_click="ignore",
                           icon=":material/download:", help=t("common.download_svg"))


# ---------------------------------------------------------------- widget keys beside a pinned run

_SLOT: contextvars.ContextVar[str] = contextvars.ContextVar("slot", default="")


def widget_key(name: str) -> str:
    """A widget key in the column being drawn: ``name`` for the selected run, ``name`` + a suffix beside it."""
    return name + _SLOT.get()



@contextlib.contextmanager
def keyed_apart(suffix: str) -> Iterator[None]:
    """Widgets drawn inside get keys ending in ``suffix`` (:func:`widget_key`): a second column's own."""
    token = _SLOT.set(suffix)
    try:
        yield
    finally:
        _SLOT.reset(token)


def key_suffix() -> str:
    """The suffix :func:`widget_key` adds where it is called."""
    return _SLOT.get()


# ---------------------------------------------------------------- Home's picture and the first paint


def home_top(picture: HomePicture, downloads: bool = True) -> None:
    """What Home shows first: its header, the run's example context (with its download buttons) and, beside it,
    what it shows."""
    page_header(t("home.title"), t("home.lead"))
    chart = trajectory_chart(
        picture.states, {"truth": picture.truth, "model": picture.prediction},
        {"context": t("chart.series.context"), "truth": t("chart.series.truth"), "model": t("chart.series.model")},
        t("home.picture_title"), x_title=t("chart.coordinate1"), y_title=t("chart.coordinate2"), join=picture.joined)
    left, right = st.columns([3, 2])
    with left:
        show_chart(chart, "home-context", downloads)
    with right:
        st.caption(t("home.picture_caption", run=plain(picture.run), n=picture.context_length,
                     error=f"{picture.error:.2e}", length=f"{picture.mean_length:.2f}"))


def is_home_address(url: str | None, has_query: bool, base_path: str = "") -> bool:
    """Whether the browser's address ``url`` (no query: ``st.context.url``) is Home's, at a plain address (no view
    in it: ``has_query`` false), under the server's ``base_path``."""
    if url is None or has_query:
        return False
    path, base = urlsplit(url).path.strip("/"), base_path.strip("/")
    if base:
        if path != base and not path.startswith(f"{base}/"):
            return False
        path = path[len(base):].strip("/")
    return path in HOME_PATHS


def _at_home_address() -> bool:
    return is_home_address(st.context.url, bool(st.query_params), str(st.get_option("server.baseUrlPath") or ""))


def first_paint(folder: Path) -> DeltaGenerator | None:
    """On a new session's first run at Home's plain address: Home's header and the default run's picture, drawn
    from the copy stored beside the run in ``folder`` (:func:`icar_core.home_picture.stored_picture`), in a slot
    that Home fills again with what it computes (returned). None, drawing nothing, anywhere else or without a
    copy that may be shown (the run picker then starts on that run: :func:`icar_core.ui.default_run`)."""
    if st.session_state.get(ADDRESS_READ) or not _at_home_address():
        return None
    picture = stored_picture(folder, DEFAULT_RUN)
    if picture is None:
        return None
    slot = st.empty()
    with slot.container():
        home_top(picture, downloads=False)  # Home's own drawing in the same run adds them (one key each)
    return slot
