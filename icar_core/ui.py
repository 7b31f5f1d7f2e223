"""The dashboard's Streamlit layer: shared sidebar, run selection, caching, and (from :mod:`icar_core.ui_base`,
its torch-free part) text, headers and charts.

``dashboard.py`` calls :func:`run_app` on every run: it reads the view's address on a session's first run
(:mod:`icar_core.url_state`), draws the language switch, the run picker and the link to the view once for all
pages (so they keep their state across page switches), writes the view back into the address and runs the page.
Pages call :func:`current_run` or :func:`page_run` (the one run policy), :func:`t`, :func:`cached`,
:func:`page_header`, :func:`show_chart`; a page's fragment is :func:`column_fragment`, which keeps the address.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import html
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import altair as alt
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from icar_core import token_store, url_state
from icar_core.charts.vegalite import VegaLiteSpec
from icar_core.checkpoints import (
    Checkpoint,
    CheckpointError,
    CheckpointListing,
    checkpoint_paths,
    list_checkpoints,
    load_checkpoint,
    user_run_dir,
)
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS, Verdict, run_for
from icar_core.home_picture import DEFAULT_RUN
from icar_core.i18n import LANGUAGES
from icar_core.i18n import verdict_text as i18n_verdict_text
from icar_core.models import KINDS

# The torch-free part, re-exported for the pages (``ui.t``, ``ui.show_chart``, …).
from icar_core.ui_base import (  # noqa: F401
    ADDRESS_READ,
    CHECKPOINT_DIR,
    ROOT,
    STRICT_CHARTS,
    home_top,
    in_concatenation,
    key_suffix,
    keyed_apart,
    lang,
    page_header,
    plain,
    show_chart,
    t,
    vega_lite_spec,
    widget_key,
)
from icar_core.views.compare import difference_table
from icar_core.views.heads import heads_reason, orthogonality_reason
from icar_core.views.positions import positions_reason
from icar_core.views.report import build_report

# Uploaded runs a session keeps (the oldest goes first); they and their cached analyses live in the
# session's state, so they are released when the visitor leaves.
MAX_UPLOADS = 5

# (url path, file, title key, icon): the dashboard's pages in menu order.
PAGES = (
    ("home", "app_pages/home.py", "nav.home", ":material/home:"),
    ("model-vs-gd", "app_pages/model_vs_gd.py", "nav.gd", ":material/compare_arrows:"),
    ("heads", "app_pages/heads.py", "nav.heads", ":material/grid_view:"),
    ("orthogonality", "app_pages/orthogonality.py", "nav.orthogonality", ":material/call_split:"),
    ("positional-encodings", "app_pages/positional_encodings.py", "nav.positions", ":material/timeline:"),
    ("training", "app_pages/training.py", "nav.training", ":material/show_chart:"),
    ("lab", "app_pages/lab.py", "nav.lab", ":material/science:"),
    ("paper-reference", "app_pages/paper_reference.py", "nav.paper", ":material/menu_book:"),
    ("real-tokens", "app_pages/real_tokens.py", "nav.tokens", ":material/text_fields:"),
    ("stress-test", "app_pages/stress_test.py", "nav.stress", ":material/speed:"),
    ("tour", "app_pages/tour.py", "nav.tour", ":material/slideshow:"),
    ("sweeps", "app_pages/sweeps.py", "nav.sweeps", ":material/grid_on:"),
)
_PAGE_FILES = {url: file for url, file, _, _ in PAGES}


def _gd_reason(ckpt: Checkpoint) -> str | None:
    gd = FINDINGS["gd"]
    return None if gd.applies(ckpt.model) else gd.not_applicable_key


# The one run policy: a page here that does not apply to the selected run shows its finding's run instead
# (url path -> (finding, why a run does not fit the page: a locale key, or None when it fits)).
RUN_POLICY: dict[str, tuple[str, Callable[[Checkpoint], str | None]]] = {
    "model-vs-gd": ("gd", _gd_reason),
    "heads": ("heads", heads_reason),
    "orthogonality": ("heads", orthogonality_reason),
    "positional-encodings": ("positions", positions_reason),
}


def verdict_text(verdict: Verdict) -> str:
    """A finding's verdict (all its sentences) in the chosen language."""
    return i18n_verdict_text(verdict, lang())


def show_verdict(verdict: Verdict) -> None:
    """A verdict in a box coloured by what it says: green shows the finding, yellow does not, blue neither."""
    box = st.success if verdict.good else st.warning if verdict.good is False else st.info
    box(verdict_text(verdict))


# ---------------------------------------------------------------- runs


def _entry_signature(path: Path) -> tuple:
    """An entry's name, kind, size and times, without opening it; a broken link or a vanished file
    gets a signature of its own instead of an error."""
    try:
        link = os.lstat(path)
    except OSError:
        return (path.name, "gone")
    try:
        target = os.stat(path)
    except OSError:
        return (path.name, link.st_mode, link.st_mtime_ns, "broken")
    return (path.name, link.st_mode, link.st_mtime_ns, target.st_mode, target.st_size, target.st_mtime_ns)


def _folder_signature(folder: Path) -> tuple:
    """What the listing depends on: it is reloaded only when an entry changes."""
    return tuple(_entry_signature(path) for path in checkpoint_paths(folder))


@st.cache_resource(show_spinner=False, max_entries=4)
def _listing(folder: str, signature: tuple) -> CheckpointListing:
    return list_checkpoints(folder)


def disk_runs() -> CheckpointListing:
    """The shipped runs in ``checkpoints/`` and the Lab's in the user-runs folder
    (:func:`~icar_core.checkpoints.user_run_dir`), and the files there that failed to load (with reasons)."""
    listings = [_listing(str(folder), _folder_signature(folder)) for folder in (CHECKPOINT_DIR, user_run_dir())]
    return CheckpointListing([run for x in listings for run in x.runs], [bad for x in listings for bad in x.failed])


def _uploaded() -> dict[str, Checkpoint]:
    return st.session_state.setdefault("uploaded_runs", {})


def _session_results() -> dict:
    """Analyses of uploaded runs, cached in the session (the shared cache would outlive it)."""
    return st.session_state.setdefault("upload_results", {})


def _keep_upload(ckpt: Checkpoint) -> None:
    """Add an uploaded run to the session, dropping the oldest (and its cached analyses) beyond MAX_UPLOADS."""
    uploads = _uploaded()
    uploads[run_id(ckpt)] = ckpt
    while len(uploads) > MAX_UPLOADS:
        oldest = next(iter(uploads))
        del uploads[oldest]
        results = _session_results()
        for key in [k for k in results if k[1].split("@")[0] == oldest]:  # its snapshots' too
            del results[key]


def adopt_run(ckpt: Checkpoint) -> None:
    """Add a run read from outside ``checkpoints/`` (a sweep's) to the session's runs, like an upload, and select
    it in the picker. Safe in a widget callback, which is where it must run: the picker's state can be set only
    before the sidebar is drawn."""
    _keep_upload(ckpt)
    st.session_state["run_id"] = run_id(ckpt)


def selectable_chart(chart: alt.TopLevelMixin | VegaLiteSpec, key: str, on_select: Callable[[], None]) -> None:
    """Draw ``chart`` whose clicks call ``on_select`` (the selection is then in ``st.session_state[key]``)."""
    st.vega_lite_chart(vega_lite_spec(in_concatenation(chart)), width="content", key=key, on_select=on_select,
                       selection_mode=None)


def run_id(ckpt: Checkpoint) -> str:
    """The picker's id of a run: its content hash, marked for uploads so that an uploaded copy of a
    shipped file is a run of its own."""
    return ckpt.source_id if ckpt.path is not None else f"upload:{ckpt.source_id}"


def all_runs() -> list[Checkpoint]:
    """Shipped and uploaded runs, grouped by kind (augmented, multihead, PE-only), then by name."""
    return sorted_runs(list(disk_runs().runs) + list(_uploaded().values()))


def sorted_runs(runs: list[Checkpoint]) -> list[Checkpoint]:
    """The picker's order: by kind (augmented, multihead, PE-only), shipped before uploaded, then by name."""
    return sorted(runs, key=lambda c: (KINDS.index(c.config.model.kind), c.path is None, c.name))


def default_run(runs: list[Checkpoint]) -> Checkpoint:
    """The run a new session starts on: :data:`DEFAULT_RUN`, or the first of ``runs`` (not empty) without it."""
    return next((c for c in runs if c.name == DEFAULT_RUN), runs[0])


def run_label(ckpt: Checkpoint) -> str:
    """The picker's label: the run's name (↑ for an upload). It must not depend on the language:
    Streamlit matches a selectbox's value by its label, so a translated label loses the choice."""
    return ckpt.name if ckpt.path is not None else f"↑ {ckpt.name}"


def current_run() -> Checkpoint | None:
    """The run chosen in the sidebar (None when there is none at all)."""
    runs = {run_id(c): c for c in all_runs()}
    return runs.get(st.session_state.get("run_id")) or next(iter(runs.values()), None)


def open_run(ckpt: Checkpoint, page: str) -> None:
    """Choose ``ckpt`` in the run picker and go to ``page`` (its file), in a whole run of the app, also when called
    from inside a fragment (the Lab's live view). The choice waits in the session until the picker is drawn: a
    picker value set from inside a fragment would be lost."""
    st.session_state["pending_run_id"] = run_id(ckpt)
    go_to(page)
    st.rerun(scope="app")


def go_to(page: str) -> None:
    """Switch to ``page`` (its file) at the start of the next whole run (:func:`run_app`); from a widget's callback
    that is the run the widget causes. Not from inside a fragment: CI's Lab browser test once found the new page
    blank after ``st.switch_page`` there (sidebar drawn, main empty; the cause is not proven)."""
    st.session_state[_GO_TO] = page


def setup_sidebar() -> None:
    """Language switch, run picker, failed files and the upload box, in the sidebar."""
    with st.sidebar:
        st.radio(t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
        picker = st.container()
        upload_box()
        runs = all_runs()
        with picker:
            if not runs:
                st.warning(t("sidebar.no_runs"))
            else:
                ids = [run_id(c) for c in runs]
                pending = st.session_state.pop("pending_run_id", None)  # open_run's choice, before the widget exists
                if pending in ids:
                    st.session_state["run_id"] = pending
                if st.session_state.get("run_id") not in ids:
                    st.session_state["run_id"] = run_id(default_run(runs))
                labels = {run_id(c): run_label(c) for c in runs}
                st.selectbox(t("sidebar.run"), ids, format_func=labels.get, key="run_id",
                             help=t("sidebar.run_help"))
        run = current_run()
        if run is not None:
            chosen = lang()  # the download runs outside the script run, so bind the language now
            st.download_button(t("report.download"), data=lambda: build_report(run, chosen),
                               file_name=f"icar-report-{run.name}.html", mime="text/html", key="report-download",
                               on_click="ignore", icon=":material/description:", help=t("report.download_help"))
        failed = disk_runs().failed
        if failed:
            with st.expander(t("sidebar.failed_title", count=len(failed))):
                for path, reason in failed:
                    st.caption(plain(reason if reason.startswith(path.name) else f"{path.name}: {reason}"))


def upload_box() -> None:
    """The upload box: a valid checkpoint joins the runs and is selected; a bad one gets a sentence."""
    upload = st.file_uploader(t("sidebar.upload"), type=["pt"], help=t("sidebar.upload_help"), key="upload")
    if upload is None:
        st.session_state.pop("upload_message", None)
        st.session_state.pop("upload_file_id", None)
        return
    if st.session_state.get("upload_file_id") != upload.file_id:  # read and validate each file once
        st.session_state["upload_file_id"] = upload.file_id
        try:
            ckpt = load_checkpoint(upload.getvalue(), name=upload.name)
        except CheckpointError as exc:
            st.session_state["upload_message"] = ("error", t("sidebar.upload_failed", reason=plain(exc)))
        else:
            if run_id(ckpt) not in _uploaded():
                _keep_upload(ckpt)
                st.session_state["run_id"] = run_id(ckpt)
            st.session_state["upload_message"] = ("success", t("sidebar.upload_ok", name=plain(ckpt.name)))
    kind, message = st.session_state["upload_message"]
    (st.error if kind == "error" else st.success)(message)


def navigation() -> Any:
    """The page menu, titles in the chosen language."""
    pages = [st.Page(str(ROOT / file), title=t(title), icon=icon, url_path=url, default=(url == "home"))
             for url, file, title, icon in PAGES]
    return st.navigation(pages)


# ---------------------------------------------------------------- caching


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(_fn: Callable, fn_key: str, source_id: str, _ckpt: Checkpoint, args: tuple) -> Any:
    return _fn(_ckpt, *args)


def cached(fn: Callable, ckpt: Checkpoint, *args: Any) -> Any:
    """``fn(ckpt, *args)``, cached by the function, the checkpoint file's content and ``args``.

    Shipped runs share one cache across sessions; an uploaded run's results stay in its session.
    """
    fn_key = f"{fn.__module__}.{fn.__qualname__}"
    if ckpt.path is not None:
        return _cached_call(fn, fn_key, run_id(ckpt), ckpt, args)
    key = (fn_key, run_id(ckpt), args)
    try:
        results = _session_results()
        if key not in results:
            results[key] = fn(ckpt, *args)
    except TypeError:  # arguments that cannot be a key: compute without caching
        return fn(ckpt, *args)
    return copy.deepcopy(results[key])  # callers may change what they get, as with st.cache_data


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_call(_fn: Callable, fn_key: str) -> Any:
    return _fn()


def shared(fn: Callable[[], Any]) -> Any:
    """``fn()`` computed once per server and shared by every visitor: for analyses that read no run,
    only data shipped with the code. The result must not be changed by the caller."""
    return _shared_call(fn, f"{fn.__module__}.{fn.__qualname__}")


# ---------------------------------------------------------------- page furniture


def how_to_read(text: str) -> None:
    with st.expander(t("common.how_to_read")):
        st.markdown(text)


def metric_grid(rows: list[list[tuple[str, str, str | None, str]]], columns: int = 4) -> None:
    """Metric cards ``(label, value, grey line under it, tooltip)``, row by row in ``columns`` columns."""
    for row in rows:
        for start in range(0, len(row), columns):  # a row longer than ``columns`` wraps (e.g. in a narrow column)
            for column, (label, value, delta, help_text) in zip(st.columns(columns), row[start:start + columns],
                                                                 strict=False):
                column.metric(label, value, delta, delta_color="off", delta_arrow="off", help=help_text)


def number(x: float) -> str:
    """A measured value as shown on the pages: four significant digits."""
    return f"{x:.4g}"


def require_run(title: str, lead: str) -> Checkpoint:
    """The selected run; with none at all, the page shows its header and stops."""
    ckpt = current_run()
    if ckpt is None:
        with top_slot(clear=True):  # no run: no picture of one
            page_header(title, lead)
        st.stop()
    return ckpt


def shown_run(page: str, selected: Checkpoint | None) -> Checkpoint | None:
    """The run page ``page`` shows under the one run policy (:data:`RUN_POLICY`): the selected run where it
    fits, else its finding's own run (the first run that fits if that one does not), None when none fits."""
    if page not in RUN_POLICY or selected is None:
        return selected
    finding, reason = RUN_POLICY[page]
    if reason(selected) is None:
        return selected
    runs = all_runs()
    preferred = run_for(finding, selected, runs)
    candidates = ([preferred] if preferred is not None else []) + runs
    return next((run for run in candidates if reason(run) is None), None)


def page_run(title: str, lead: str, how: str) -> Checkpoint:
    """The run this page shows (:func:`shown_run`). Where that is not the selected run, one line says why and
    names the run shown, with a button back to the page before; with no run that fits, the page explains
    itself and stops."""
    selected = require_run(title, lead)
    page = st.session_state.get(_PAGE, "")
    ckpt = shown_run(page, selected)
    if ckpt is None:
        page_header(title, lead)
        st.info(t("common.not_applicable", run=plain(selected.name), reason=t(RUN_POLICY[page][1](selected))))
        how_to_read(how)
        st.stop()
    if ckpt is not selected:
        finding = FINDINGS[RUN_POLICY[page][0]]
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info(t("common.shows_finding_run", run=plain(selected.name), reason=t(RUN_POLICY[page][1](selected)),
                      shown=plain(ckpt.name), number=finding.number), width="stretch")
            back = st.session_state.get(_PAGE_BEFORE) or "home"
            st.button(t("common.way_back", run=plain(selected.name)), icon=":material/arrow_back:", key="way-back",
                      on_click=go_to, args=(_PAGE_FILES[back],))
    return ckpt


# ---------------------------------------------------------------- the address of a view

_PAGE, _PAGE_BEFORE, _GO_TO = "_page", "_page_before", "_go_to"  # the page shown, the one before, the next one
_NOTICES = "_address_notices"


def address_id(ckpt: Checkpoint) -> str:
    """A run's id in an address: its name for a run on disk (shipped or the Lab's), the content hash for an
    upload (only the session that uploaded it has it)."""
    return ckpt.name if ckpt.path is not None else run_id(ckpt)


def _scope(page: str | None) -> url_state.Scope:
    runs: dict[str, str] = {}
    for ckpt in all_runs():
        runs.setdefault(address_id(ckpt), run_id(ckpt))
    run = None if page is None else shown_run(page, current_run())
    return url_state.Scope(run, "" if run is None else run_id(run)[:12], runs)


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _notice_text(notice: url_state.Notice) -> str:
    values = {key: plain(value) for key, value in notice.values.items()}
    if notice.allowed is not None:
        key, allowed = notice.allowed
        values["allowed"] = t(key, **allowed)
    return t(notice.key, **values)


def _write_address(page: str) -> None:
    """Put the view the session holds into the browser's address (which the sidebar's link box shows)."""
    fields = url_state.GLOBAL_FIELDS + url_state.page_fields(page)
    address = url_state.encode(st.session_state, fields, _scope(page))
    if _query() != {key: [value] for key, value in address.items()}:
        st.query_params.from_dict(address)


# The link box reads the browser's own address, so it is the real one whatever reran last (a fragment's rerun
# updates the address but cannot redraw the sidebar). Static code: only the translated labels are inserted.
_LINK_BOX = """<div data-testid="icar-link">
<input id="icar-link" readonly aria-label="{label}" style="width:100%;font-family:monospace;font-size:0.8em;
 padding:0.3em;border:1px solid rgba(128,128,128,0.5);border-radius:0.3em;background:transparent;color:inherit">
<button id="icar-copy" style="margin-top:0.3em;padding:0.2em 0.8em;border:1px solid rgba(128,128,128,0.5);
 border-radius:0.3em;background:transparent;color:inherit;cursor:pointer">{copy}</button></div>
<script>
(() => {{
  const box = document.getElementById("icar-link"), copy = document.getElementById("icar-copy");
  const show = () => {{ if (box.value !== window.location.href) box.value = window.location.href; }};
  show();
  clearInterval(window.__icarLinkTimer);
  window.__icarLinkTimer = setInterval(show, 300);
  copy.onclick = () => {{
    show(); box.select();
    const done = () => {{ copy.textContent = "{copied}"; setTimeout(() => copy.textContent = "{copy}", 1500); }};
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(box.value).then(done);
    else {{ document.execCommand("copy"); done(); }}
  }};
}})();
</script>"""


def link_box() -> None:
    """The "copy link to this view" control: the page's full address in a box, with a button that copies it."""
    st.caption(t("url.link"), help=t("url.link_help"))
    labels = {key: html.escape(t(f"url.{key}"), quote=True) for key in ("copy", "copied")}
    st.html(_LINK_BOX.format(label=html.escape(t("url.link"), quote=True), **labels), unsafe_allow_javascript=True)


def _keep_address_on_fragment_rerun() -> None:
    """A fragment's rerun alone runs no page code, so it writes the changed view into the address itself."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        _write_address(st.session_state.get(_PAGE, ""))


def _restore(fields: tuple[url_state.Field, ...], scope: url_state.Scope) -> list[url_state.Notice]:
    values, notices = url_state.read(_query(), fields, scope)
    st.session_state.update(values)
    return notices


def run_app(first_paint: DeltaGenerator | None = None) -> None:
    """Draw the dashboard: on a session's first run the view in the address (language and run first, then the
    page's controls, once the run it shows is known), the sidebar, and the page, whose view is written back
    into the address before it is drawn (nothing can be written after a page stops). ``first_paint``: the slot
    :func:`icar_core.ui_base.first_paint` drew in this run, which the page fills again (:func:`top_slot`)."""
    first = not st.session_state.get(ADDRESS_READ)
    notices = _restore(url_state.GLOBAL_FIELDS, _scope(None)) if first else []
    next_page = st.session_state.pop(_GO_TO, None)
    page = navigation()
    url = page.url_path or "home"
    if next_page is not None:  # go_to's page: a way back, a run opened from the Lab or a sweep
        st.switch_page(str(ROOT / next_page))
    if st.session_state.get(_PAGE) != url:
        st.session_state[_PAGE_BEFORE] = st.session_state.get(_PAGE)
        st.session_state[_PAGE] = url
    setup_sidebar()
    if first:
        fields = url_state.page_fields(url)
        notices += _restore(fields, _scope(url))
        notices += url_state.unknown(_query(), url_state.GLOBAL_FIELDS + fields)
        st.session_state[ADDRESS_READ] = True
        st.session_state[_NOTICES] = (url, notices)
        token_store.warm_in_background()  # once per server, at the lowest priority: Real tokens' corpus test
    with st.sidebar:
        link_box()
    _write_address(url)
    shown_for, shown = st.session_state.get(_NOTICES, (None, []))
    if shown_for == url:
        for notice in shown:
            st.warning(_notice_text(notice), icon=":material/link_off:")
    token = _FIRST_PAINT.set(first_paint)
    try:
        page.run()
    finally:
        _FIRST_PAINT.reset(token)


# The first paint's slot while the page runs, until the page takes it (top_slot).
_FIRST_PAINT: contextvars.ContextVar[DeltaGenerator | None] = contextvars.ContextVar("first_paint", default=None)


def top_slot(clear: bool = False) -> DeltaGenerator:
    """Where a page draws its header (Home: and its picture): in place of the first paint's in the run that drew
    one, else a new container. What is drawn there replaces the first paint element by element (no flash, as Home
    draws at least what it drew); with ``clear``, the first paint is removed first (for a top that draws less)."""
    slot = _FIRST_PAINT.get()
    if slot is None:
        return st.container()
    _FIRST_PAINT.set(None)  # run_app's reset restores the context after the page
    if clear:
        slot.empty()
    return slot.container()


@contextlib.contextmanager
def explained_errors(ckpt: Checkpoint) -> Iterator[None]:
    """Show an analysis that does not apply to ``ckpt`` as a sentence, not a traceback."""
    try:
        yield
    except NotApplicableError as exc:
        # The analyses explain themselves in English; other languages get a translated sentence
        # and the detail underneath.
        reason = str(exc).rstrip(".")
        if lang() == "en":
            st.info(t("common.not_applicable", run=plain(ckpt.name), reason=reason))
        else:
            st.info(t("common.not_applicable_plain", run=plain(ckpt.name)))
            st.caption(reason)


# ---------------------------------------------------------------- snapshots, comparison, reproduction
# A page draws its view through side_by_side: once for the selected run (at the scrubber's snapshot), or in two
# columns beside a pinned second run. Widget keys inside a column go through widget_key(), so the second column's
# controls are its own.

SNAPSHOT_KEY = "snapshot"  # the scrubber's value: a snapshot index of the selected run
COMPARE_KEY = "compare"  # the pinned second run's id ("" for none)
_COLUMN_CHARTS = '[data-testid="stColumn"] [data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; }'


def column_fragment(fn: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` for a part drawn inside :func:`side_by_side`: a fragment reruns on its own, outside the
    page's column loop, so it keeps the column it was first drawn in (its widget keys) itself, and the address of
    the view up to date."""
    @st.fragment
    def in_column(slot: str, *args: Any) -> None:
        _keep_address_on_fragment_rerun()
        with keyed_apart(slot):
            fn(*args)

    @functools.wraps(fn)
    def call(*args: Any) -> None:
        in_column(key_suffix(), *args)
    return call


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared_snapshot(source_id: str, _ckpt: Checkpoint, index: int) -> Checkpoint:
    return _ckpt.at_snapshot(index)


def at_snapshot(ckpt: Checkpoint, index: int) -> Checkpoint:
    """``ckpt.at_snapshot(index)``, built once per server for shipped runs (an upload's is rebuilt: it is cheap,
    and the shared cache would outlive the session)."""
    return _shared_snapshot(run_id(ckpt), ckpt, index) if ckpt.path is not None else ckpt.at_snapshot(index)


def snapshot_positions(ckpt: Checkpoint) -> tuple[list[int], int]:
    """The scrubber's positions (snapshot indices; one more, past the last, when no snapshot holds the final
    weights) and the one of the final weights."""
    final = ckpt.final_snapshot
    positions = list(range(len(ckpt.snapshots))) + ([len(ckpt.snapshots)] if final is None else [])
    return positions, positions[-1] if final is None else final


def snapshot_slider(ckpt: Checkpoint) -> Checkpoint:
    """The snapshot scrubber: the selected run at a saved training step (default: the final weights). Another run
    starts at its final weights; a value outside this run's snapshots falls back to them."""
    positions, final = snapshot_positions(ckpt)
    if len(positions) < 2:
        st.caption(t("snapshot.none"))
        return ckpt
    state = st.session_state
    if state.get("snapshot_run", run_id(ckpt)) != run_id(ckpt) or state.get(SNAPSHOT_KEY) not in positions:
        state[SNAPSHOT_KEY] = final
    state["snapshot_run"] = run_id(ckpt)
    steps = ckpt.snapshot_steps
    if len(positions) > len(steps):  # the final weights, saved after the last snapshot
        steps = [*steps, int(ckpt.train_state.get("step", steps[-1]))]
    # Steps as bare numbers: a translated label would lose the choice when the language changes.
    index = st.select_slider(t("snapshot.label"), positions, format_func=lambda i: f"{steps[i]:,}", key=SNAPSHOT_KEY,
                             help=t("snapshot.help", count=len(ckpt.snapshots)))
    st.caption(t("snapshot.showing_final" if index == final else "snapshot.showing", step=f"{steps[index]:,}"))
    return ckpt if index == final else at_snapshot(ckpt, index)


# The picker's "no second run" option: a label, like every option label, that does not depend on the language
# (see run_label).
NO_SECOND_RUN = "—"


def compare_picker() -> Checkpoint | None:
    """The pinned second run (any run, the selected one included: a snapshot beside the final weights), or None."""
    runs = {run_id(c): c for c in all_runs()}
    ids = ["", *runs]
    if st.session_state.get(COMPARE_KEY) not in ids:
        st.session_state[COMPARE_KEY] = ""
    labels = {"": NO_SECOND_RUN} | {i: run_label(c) for i, c in runs.items()}
    chosen = st.selectbox(t("compare.label"), ids, format_func=labels.get, key=COMPARE_KEY, help=t("compare.help"))
    return runs.get(chosen)


def view_controls(ckpt: Checkpoint) -> tuple[Checkpoint, Checkpoint | None]:
    """The scrubber and the comparison picker side by side: the run to draw and the pinned run (or None)."""
    left, right = st.columns([3, 2])
    with left:
        shown = snapshot_slider(ckpt)
    with right:
        other = compare_picker()
    return shown, other


def run_title(ckpt: Checkpoint) -> str:
    """The run's name, and the training step its weights are from when they are a snapshot's."""
    if ckpt.snapshot is None:
        return ckpt.name
    return t("compare.column_step", run=ckpt.name, step=ckpt.snapshot_steps[-1])


#: Widget-key suffixes of side_by_side's columns (:func:`widget_key`): the shown run's, the pinned run's.
COLUMN_SLOTS = ("", "@compare")


def side_by_side(draw: Callable[[Checkpoint], None], shown: Checkpoint, other: Checkpoint | None,
                 reason: Callable[[Checkpoint], str | None], verdict: Callable[[Checkpoint], Verdict] | None = None
                 ) -> None:
    """``draw(shown)``; with a pinned run, ``draw`` for each in two columns (the second column's widgets keyed
    apart), the pinned run's verdict atop its column — or, where ``reason(run)`` names one, the page's own
    sentence of why it does not apply, instead of the view."""
    if other is None:
        draw(shown)
        return
    # A chart wider than its half of the page scrolls inside its column instead of drawing over the other one.
    st.html(f"<style>{_COLUMN_CHARTS}</style>")
    for column, ckpt, slot in zip(st.columns(2), (shown, other), COLUMN_SLOTS, strict=True):
        with keyed_apart(slot), column:
            st.markdown(f"**{plain(run_title(ckpt))}**")
            why = reason(ckpt)
            if why is not None:
                st.info(t("compare.not_applicable", run=plain(ckpt.name), reason=t(why)))
                continue
            if verdict is not None and slot:
                show_verdict(verdict(ckpt))
            draw(ckpt)


def compare_table(numbers: Callable[[Checkpoint], Any], shown: Checkpoint, other: Checkpoint | None) -> None:
    """With a pinned run: the page's numbers that matter (``numbers(run)``, None where the page does not apply)
    for both runs, with their intervals and whether those separate."""
    if other is None:
        return
    a, b = cached(numbers, shown), cached(numbers, other)
    st.subheader(t("compare.differences"))
    st.dataframe(difference_table(a, b, (run_title(shown), run_title(other)), t), hide_index=True)
    st.caption(t("compare.differences_caption"))


def reproduce(code: str) -> None:
    """The few lines of ``icar_core`` calls that recompute what the column shows, ready to copy.

    Drawn only once the expander is opened: the browser's code for a code block is 1.5 MB, and loading it with a
    page's first visit made Model vs GD's first visit 0.8 s slower on a slow CPU (``benchmarks/app_latency.py``).
    """
    with st.expander(t("reproduce.title"), key=widget_key("reproduce"), on_change="rerun") as box:
        if box.open:
            st.caption(t("reproduce.caption"))
            st.code(code, language="python")
