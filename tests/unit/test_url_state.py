"""icar_core.url_state: an address read into session values and notices, and written back (no Streamlit)."""

from __future__ import annotations

import pytest

from icar_core.url_state import GLOBAL_FIELDS, PAGE_FIELDS, Field, Scope, encode, page_fields, read, unknown

RUNS = {"alpha": "sha-a", "beta": "sha-b", "upload:ff": "upload:ff"}
FIELDS = (
    Field("lang", "lang", "choice", choices=("en", "ja")),
    Field("run", "run_id", "run"),
    Field("seed", "seed-key", "int", limits=(0, 9), default=lambda s: 0),
    Field("n", "n-{run_key}", "int", limits=lambda s: (1, s.values["seed"] + 3)),
    Field("angles", "angle-{run_key}-{seed}-{k}", "floats", limits=(0.0, 360.0), count=lambda s: 2),
    Field("head", "head", "int", limits=(0, 3), shift=1),
    Field("flag", "flag", "bool"),
    Field("runs", "runs", "runs"),
    Field("only", "only", "int", limits=(0, 1), applies=lambda s: False),
)


def scope() -> Scope:
    return Scope(run=None, run_key="k", runs=RUNS)


def test_a_good_address_sets_each_widget_key_and_reads_back_the_same():
    query = {"lang": ["ja"], "run": ["beta"], "seed": ["2"], "n": ["5"], "angles": ["10.5,350.0"], "head": ["4"],
             "flag": ["1"], "runs": ["alpha,upload:ff"]}
    values, notices = read(query, FIELDS, scope())
    assert notices == []
    assert values == {"lang": "ja", "run_id": "sha-b", "seed-key": 2, "n-k": 5, "angle-k-2-0": 10.5,
                      "angle-k-2-1": 350.0, "head": 3, "flag": True, "runs": ["sha-a", "upload:ff"]}
    assert encode(values, FIELDS, scope()) == {key: texts[0] for key, texts in query.items()}


@pytest.mark.parametrize(("key", "text", "notice"), [
    ("lang", "fr", "url.bad_value"),
    ("run", "gamma", "url.unknown_run"),
    ("run", "upload:00", "url.upload_absent"),
    ("seed", "1e9", "url.bad_value"),
    ("seed", "10", "url.bad_value"),
    ("n", "1000000000", "url.bad_value"),
    ("n", "4", "url.bad_value"),  # allowed up to seed + 3 = 3 with the default seed 0
    ("angles", "NaN,10", "url.bad_value"),
    ("angles", "inf,10", "url.bad_value"),
    ("angles", "10", "url.bad_value"),
    ("head", "0", "url.bad_value"),  # 1-based in the address
    ("flag", "maybe", "url.bad_value"),
    ("runs", "alpha,alpha", "url.bad_value"),
    ("only", "1", "url.not_for_run"),
])
def test_a_bad_value_is_ignored_with_one_notice_naming_it(key, text, notice):
    kept, value = ("lang", "en") if key != "lang" else ("flag", "0")
    values, notices = read({key: [text], kept: [value]}, FIELDS, scope())
    assert [(n.key, n.values["name"]) for n in notices] == [(notice, key)]
    assert values == ({"lang": "en"} if kept == "lang" else {"flag": False})  # the rest of the address is kept


def test_a_repeated_key_and_an_unknown_key_are_named():
    query = {"seed": ["1", "2"], "zzz": ["x"]}
    values, notices = read(query, FIELDS, scope())
    assert values == {} and [(n.key, n.values["name"], n.values["count"]) for n in notices] == [
        ("url.repeated", "seed", 2)]
    assert [(n.key, n.values["name"]) for n in unknown(query, FIELDS)] == [("url.unknown_key", "zzz")]


def test_the_allowed_range_is_said_in_the_address_units():
    _, notices = read({"head": ["9"]}, FIELDS, scope())
    assert notices[0].allowed == ("url.allowed.int", {"low": "1", "high": "4"})


def test_a_long_value_is_shortened_in_the_notice():
    _, notices = read({"lang": ["x" * 500]}, FIELDS, scope())
    assert len(notices[0].values["value"]) <= 41


def test_encode_leaves_out_widgets_without_a_value():
    assert encode({"seed-key": 4, "lang": "en"}, FIELDS, scope()) == {"lang": "en", "seed": "4"}


def test_the_dashboard_schema_has_unique_names_per_page_and_the_comparison_keys():
    names = [f.name for f in GLOBAL_FIELDS] + [f.name for f in PAGE_FIELDS]
    for page in {f.page for f in PAGE_FIELDS} - {None}:
        shown = [f.name for f in GLOBAL_FIELDS + page_fields(page)]
        assert len(shown) == len(set(shown)), page
    assert {"compare", "snapshot", "run", "lang"} <= set(names)
