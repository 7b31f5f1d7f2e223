"""Real tokens: the paper's Figure 4 — are windows of real text fitted by one AR(1) map better than shuffled ones?"""

import streamlit as st

from icar_core import ui
from icar_core.token_ar import AUTHORS_WINDOWS
from icar_core.views.tokens import token_view

try:
    with st.spinner(ui.t("tokens.spinner", windows=AUTHORS_WINDOWS)):
        view = ui.shared(token_view)
except (RuntimeError, OSError) as exc:  # the embedding package missing or its files unreadable
    ui.page_header(ui.t("tokens.title"), ui.t("tokens.lead"), ui.t("tokens.unavailable", reason=ui.plain(exc)), False)
    st.stop()

ui.page_header(ui.t("tokens.title"), ui.t("tokens.lead"), view.verdict(ui.t), None)
st.caption(ui.t("tokens.source", tokens=view.result.n_tokens))

authors, over = view.result.authors, view.result.overdetermined
st.subheader(ui.t("tokens.section.authors", window=authors.window, dim=authors.dim))
st.markdown(view.authors_note(ui.t))
ui.metric_grid(view.authors_cards(ui.t), columns=3)
ui.show_chart(view.rollout_chart(ui.t), "tokens-rollout")
st.caption(view.hidden_caption(ui.t))

st.subheader(ui.t("tokens.section.over", window=over.window, dim=over.dim))
st.markdown(view.overdetermined_note(ui.t))
ui.metric_grid(view.overdetermined_cards(ui.t), columns=3)
ui.show_chart(view.residual_chart(ui.t), "tokens-residual")

ui.how_to_read(ui.t("tokens.how"))
