"""The HTML report of one run: one self-contained page, charts inline as SVG, in English and Japanese."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import torch
from apptest_utils import ROOT

from icar_core.analysis import compare_with_gd
from icar_core.charts.paper import REFERENCE_GREY
from icar_core.checkpoints import load_checkpoint
from icar_core.findings import FINDINGS, verdict
from icar_core.i18n import translate
from icar_core.views import cosine_degrees
from icar_core.views.report import build_report, report_sections

VOID = {"meta", "br", "img", "hr", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _Structure(HTMLParser):
    """Records every start tag and checks that non-void tags close in order (SVG's self-closing ones too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Structure:
    parser = _Structure()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def runs():
    names = ("augmented-commuting", "multihead-diagonal-commuting", "authors-multihead")
    return {name: load_checkpoint(ROOT / "checkpoints" / f"{name}.pt") for name in names}


@pytest.mark.parametrize(("name", "lang", "views"), [
    ("augmented-commuting", "en", ("report.loss.heading", "report.gd.heading")),
    ("augmented-commuting", "ja", ("report.loss.heading", "report.gd.heading")),
    ("multihead-diagonal-commuting", "en", ("report.circuit.heading", "report.positions.heading")),
    ("authors-multihead", "ja", ("report.loss.heading",)),
])
def test_report_is_one_offline_html_page(runs, name, lang, views):
    ckpt = runs[name]
    page = build_report(ckpt, lang)
    html = parse(page)
    assert html.doctype.lower() == "doctype html" and not html.errors and not html.stack
    tags = [tag for tag, _ in html.tags]
    assert tags[0] == "html" and dict(html.tags[0][1])["lang"] == lang
    assert {"head", "body", "title", "h1"} <= set(tags)
    text = "".join(html.text)
    assert translate("report.title", lang, run=name) in text and name in text
    # Self-contained: no script at all, no stylesheet or image fetched from anywhere.
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attrs in html.tags:
        for attr in ("src", "href"):
            assert not str(attrs.get(attr, "")).startswith(("http:", "https:", "//")), (tag, attrs)
    # Every chart is inline SVG, one per figure.
    assert tags.count("svg") == tags.count("figure") >= 1
    for key in views:
        assert translate(key, lang) in text
    # Configuration and the verdicts that apply (and only those).
    assert translate("report.config.heading", lang) in text
    applies = {finding.id: finding.applies(ckpt.model) for finding in FINDINGS.values()}
    assert (translate("home.finding1.title", lang) in text) == applies["gd"]
    assert (translate("home.finding2.title", lang) in text) == applies["heads"]
    assert (translate("report.gd.heading", lang) in text) == applies["gd"]


def test_languages_differ(runs):
    ckpt = runs["authors-multihead"]
    en, ja = build_report(ckpt, "en"), build_report(ckpt, "ja")
    assert translate("report.config.heading", "en") in en and translate("report.config.heading", "ja") in ja
    assert translate("report.config.heading", "ja") not in en


def test_gd_section_uses_the_real_prediction():
    """For a full-structure run the report's cosine is compare_with_gd's on the same context (not Γ s_n alone)."""
    ckpt = load_checkpoint(ROOT / "checkpoints" / "augmented-orthogonal.pt")
    states, W = ckpt.process.sample(1, 0, torch.float64)
    cosine = float(compare_with_gd(ckpt.model, states, W, process=ckpt.process).metrics["prediction_cosine"].iloc[0])
    text = dict((heading, text) for heading, text, _ in report_sections(ckpt))[translate("report.gd.heading")]
    assert text == translate("report.gd.text", n=ckpt.process.T, cosine=f"{cosine:.3f}",
                             angle=f"{cosine_degrees(cosine):.1f}")


def test_flat_positions_and_closed_form_loss_are_named():
    path = ROOT / "checkpoints" / "paper-reference-unitary.pt"
    if not path.exists():
        pytest.skip("the paper-reference runs are not built")
    ckpt = load_checkpoint(path)
    sections = report_sections(ckpt)
    by_heading = {heading: (text, chart) for heading, text, chart in sections}
    text, chart = by_heading[translate("report.positions.heading")]
    assert text == translate("report.positions.flat") and chart is None
    verdict_text = by_heading[translate("home.finding3.title")][0]
    assert verdict_text == translate("verdict.positions.newest", **verdict(ckpt, "positions").values)
    assert translate("report.config.objective") in by_heading[translate("report.config.heading")][0]
    loss_chart = by_heading[translate("report.loss.heading")][1]
    assert translate("report.series.objective") in loss_chart.to_json()


def test_loss_chart_colours_do_not_depend_on_the_language(runs):
    """Every series keeps its colour and dash in both languages (explicit domains in a fixed order), the GD
    reference is the dashed grey line the text names, and the log axis spans the data, not 0.1 … 10."""
    ckpt = runs["augmented-commuting"]
    scales = {}
    for lang in ("en", "ja"):
        sections = {heading: (text, chart) for heading, text, chart in report_sections(ckpt, lang)}
        text, chart = sections[translate("report.loss.heading", lang)]
        assert translate("report.loss.gd", lang) in text
        spec = chart.to_dict()
        color = spec["layer"][0]["encoding"]["color"]["scale"]
        dash = spec["layer"][0]["encoding"]["strokeDash"]["scale"]
        keys = {translate(f"report.series.{k}", lang): k for k in ("eval", "train", "gd")}
        scales[lang] = [(keys[label], colour, tuple(d)) for label, colour, d in
                        zip(color["domain"], color["range"], dash["range"], strict=True)]
        y = spec["layer"][0]["encoding"]["y"]["scale"]
        history = ckpt.history
        low = min(history[c].min() for c in ("train_loss", "eval_loss", "gd_loss"))
        high = max(history[c].max() for c in ("train_loss", "eval_loss", "gd_loss"))
        assert y["type"] == "log" and y["nice"] is False
        assert low / 2 < y["domain"][0] < low and high < y["domain"][1] < 2 * high
    assert scales["en"] == scales["ja"]
    gd = next(entry for entry in scales["en"] if entry[0] == "gd")
    assert gd[1] == REFERENCE_GREY and gd[2] != (1, 0)


def test_japanese_configuration_has_no_english_settings(runs):
    text = dict((h, t) for h, t, _ in report_sections(runs["augmented-commuting"], "ja"))[
        translate("report.config.heading", "ja")]
    assert "structure" not in text and "normalisation" not in text and "head(s)" not in text
    assert translate("report.value.structure.block", "ja") in text
    english = dict((h, t) for h, t, _ in report_sections(runs["augmented-commuting"], "en"))[
        translate("report.config.heading")]
    assert "one head" in english and "head(s)" not in english
