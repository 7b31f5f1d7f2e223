"""Stress test: the model against one GD step, ridge, least squares and repeating the last state under shifts;
the spectrum of its estimate; the path from its weights to one GD step."""

import streamlit as st

from icar_core import ui
from icar_core.data import MAX_SEED
from icar_core.views.stress import (
    CONTROL_BOUNDS,
    FAMILIES,
    curves_caption,
    curves_chart,
    defaults,
    interpolation_applies,
    interpolation_charts,
    interpolation_of,
    make_shift,
    ratio_chart_of,
    reproduce_code,
    shift_notes,
    spectrum_chart_of,
    spectrum_of,
    stress_of,
)

t = ui.t
ckpt = ui.require_run(t("stress.title"), t("stress.lead"))
run_key = ui.run_id(ckpt)[:12]
start = defaults(ckpt)
header = st.container()

# ---------------------------------------------------------------- the shift (a form: one rerun per choice)
with st.form(f"stress-shift-{run_key}"):
    st.subheader(t("stress.controls"))
    left, middle, right = st.columns(3)
    noise = left.number_input(t("stress.noise"), *CONTROL_BOUNDS["noise"], start["noise"], step=0.01, format="%.3f",
                              help=t("stress.noise_help"), key=f"stress-noise-{run_key}")
    mu = middle.number_input(t("stress.mu"), *CONTROL_BOUNDS["mu"], start["mu"], step=1.0, format="%.2f",
                             help=t("stress.mu_help"), key=f"stress-mu-{run_key}")
    scale = right.number_input(t("stress.s0_scale"), *CONTROL_BOUNDS["s0_scale"], start["s0_scale"], step=0.1,
                               format="%.2f", help=t("stress.s0_scale_help"), key=f"stress-scale-{run_key}")
    left, right = st.columns(2)
    family_labels = {f: t(f"stress.family.{f}") for f in FAMILIES}  # bound now, in the page's language
    family = left.radio(t("stress.family"), FAMILIES, index=FAMILIES.index(start["w_dist"]), horizontal=True,
                        format_func=family_labels.get, key=f"stress-family-{run_key}")
    basis = right.number_input(t("stress.basis_seed"), 0, MAX_SEED, None, step=1, help=t("stress.basis_help"),
                               key=f"stress-basis-{run_key}")
    st.form_submit_button(t("stress.apply"), icon=":material/science:")

try:
    shift = make_shift(ckpt, noise, mu, family, scale, None if basis is None else int(basis))
except ValueError as exc:
    with header:
        ui.page_header(t("stress.title"), t("stress.lead"))
        st.error(t("stress.bad_shift", reason=ui.plain(exc)))
    st.stop()

result = ui.cached(stress_of, ckpt, shift)
with header:
    ui.page_header(t("stress.title"), t("stress.lead"),
                   t("stress.verdict_for", run=ui.plain(ckpt.name), text=ui.verdict_text(result.verdict)),
                   result.verdict.good)

# ---------------------------------------------------------------- curves
st.subheader(t("stress.curves"))
for key, values in shift_notes(ckpt, shift):
    st.caption(t(key, **values))
left, right = st.columns(2)
with left:
    ui.show_chart(curves_chart(result, t), "stress-curves")
with right:
    ui.show_chart(ratio_chart_of(result, t), "stress-ratio")
st.caption(curves_caption(result, t))

# ---------------------------------------------------------------- spectrum
st.subheader(t("spectrum.heading"))
st.markdown(t("spectrum.lead"))
seed = int(st.number_input(t("spectrum.seed"), 0, 2**31 - 1, 0, step=1, help=t("spectrum.seed_help"),
                           key=f"spectrum-seed-{run_key}"))
view = ui.cached(spectrum_of, ckpt, shift, seed)
ui.show_chart(spectrum_chart_of(view, t), "stress-spectrum")
st.caption(t("spectrum.caption"))
ui.show_verdict(view.verdict)
ui.reproduce(reproduce_code(ckpt, shift, seed))

# ---------------------------------------------------------------- interpolation
st.subheader(t("interp.heading"))
if interpolation_applies(ckpt):
    path = ui.cached(interpolation_of, ckpt)
    st.markdown(t("interp.lead", contexts=f"{path.contexts:,}", c=f"{path.c:.4g}"))
    ui.show_chart(interpolation_charts(path, t), "stress-interpolation")
    ui.show_verdict(path.verdict)
else:
    st.info(t("interp.na", run=ui.plain(ckpt.name)))

ui.how_to_read(t("stress.how"))
