"""UI strings of the Sweeps page."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.sweeps": {"en": "Sweeps", "ja": "スイープ"},
    "sweeps.title": {"en": "Sweeps: where the findings hold", "ja": "スイープ：発見が成り立つ範囲"},
    "sweeps.lead": {
        "en": "Many small runs over a grid of settings (made with `python -m icar_core.sweep`), each measured by the "
              "same findings registry as the single runs: one number per run, its mean over seeds per grid cell. "
              "Click a cell or a point to open that run on its finding's page.",
        "ja": "設定の格子上の多数の小さなモデル（`python -m icar_core.sweep` で作成）を、単独のモデルと同じ発見の判定で"
              "測ったものです。モデルごとに一つの数値、格子の各セルではシードについての平均を示します。セルや点をクリックすると、"
              "そのモデルを該当する発見のページで開きます。",
    },
    "sweeps.none": {
        "en": "There is no sweep in the sweeps folder yet. Make one with `python -m icar_core.sweep --file "
              "sweeps/augmented-commuting-T-d.toml --out sweeps/augmented-commuting-T-d`.",
        "ja": "sweeps フォルダにはまだスイープがありません。`python -m icar_core.sweep --file "
              "sweeps/augmented-commuting-T-d.toml --out sweeps/augmented-commuting-T-d` で作成できます。",
    },
    "sweeps.choose": {"en": "Sweep", "ja": "スイープ"},
    "sweeps.broken": {"en": "This sweep cannot be shown: {reason}.", "ja": "このスイープは表示できません：{reason}。"},
    "sweeps.no_results": {
        "en": "Sweep “{name}” has no finished run with a headline number yet.",
        "ja": "スイープ「{name}」には、主要な数値を持つ完了したモデルがまだありません。",
    },
    "sweeps.failed_title": {"en": "{count} runs failed (re-run the sweep to retry them)",
                            "ja": "{count} 個のモデルが失敗しました（スイープを再実行すると再試行します）"},
    "sweeps.metric": {"en": "Number", "ja": "数値"},
    "sweeps.metric.gd.loss_ratio": {"en": "Loss ratio, model / best GD step (last position)",
                                    "ja": "損失比（モデル / 最良の GD 1 ステップ、最後の位置）"},
    "sweeps.metric.gd.prediction_cosine": {"en": "Prediction cosine with the GD step (median)",
                                           "ja": "GD ステップとの予測のコサイン（中央値）"},
    "sweeps.metric.gd.update_rel_error": {"en": "Relative gap of the raw Γ to the GD step (median)",
                                          "ja": "生の Γ と GD ステップの相対的な差（中央値）"},
    "sweeps.metric.gd.own_step_gap": {"en": "Relative gap of Γ to the model's own step (median)",
                                      "ja": "Γ とモデル自身のステップの相対的な差（中央値）"},
    "sweeps.metric.gd.own_step_ratio": {"en": "Loss ratio, model / its own step", "ja": "損失比（モデル / 自身のステップ）"},
    "sweeps.metric.gd.loss_ratio_all": {"en": "Loss ratio, model / best GD step (all positions)",
                                        "ja": "損失比（モデル / 最良の GD 1 ステップ、全位置）"},
    "sweeps.metric.gd.sensitivity_cosine": {"en": "Sensitivity cosine with the GD step (median)",
                                            "ja": "GD ステップとの感度のコサイン（中央値）"},
    "sweeps.summary": {
        "en": "{runs} finished runs over {axes} and seeds; each run's number was measured on {contexts} fresh contexts "
              "(its 95% interval is drawn on the points below).",
        "ja": "{axes} とシードについて完了した {runs} 個のモデル。各モデルの数値は新しい {contexts} 個の文脈で測ったものです"
              "（95% 区間は下の点に描いています）。",
    },
    "sweeps.cannot_open": {"en": "That run cannot be opened: {reason}.", "ja": "そのモデルは開けません：{reason}。"},
    "sweeps.heatmap": {"en": "Over two grid axes", "ja": "二つの格子軸について"},
    "sweeps.x_axis": {"en": "Horizontal axis", "ja": "横軸"},
    "sweeps.y_axis": {"en": "Vertical axis", "ja": "縦軸"},
    "sweeps.heatmap_title": {"en": "{metric}: mean over seeds", "ja": "{metric}：シードについての平均"},
    "sweeps.sd": {"en": "sd over seeds", "ja": "シード間の標準偏差"},
    "sweeps.seeds": {"en": "seeds", "ja": "シード数"},
    "sweeps.run": {"en": "run (opens on click)", "ja": "モデル（クリックで開く）"},
    "sweeps.heatmap_caption": {
        "en": "Each cell: the mean over its runs (seeds) ± their standard deviation; the tooltip adds the range. A "
              "click opens the cell's run nearest the mean.",
        "ja": "各セル：そのモデル群（シード）の平均 ± 標準偏差。ツールチップには範囲も示します。クリックすると平均に最も近い"
              "モデルを開きます。",
    },
    "sweeps.bands": {"en": "Over one axis, with seed bands", "ja": "一つの軸について（シードの帯付き）"},
    "sweeps.band_axis": {"en": "Axis", "ja": "軸"},
    "sweeps.group_axis": {"en": "One line per", "ja": "線ごとの値"},
    "sweeps.bands_title": {"en": "{metric} against {axis}", "ja": "{axis} に対する{metric}"},
    "sweeps.bands_caption": {
        "en": "Lines: the mean over seeds; bands: ± one standard deviation over seeds; points: each run, with its own "
              "95% interval over contexts. A click on a point opens that run.",
        "ja": "線：シードについての平均。帯：シード間の ± 1 標準偏差。点：各モデルと、文脈についてのその 95% 区間。点を"
              "クリックするとそのモデルを開きます。",
    },
    "sweeps.how": {
        "en": "A sweep trains one small run per grid cell and seed and measures each with the findings registry, so "
              "every number here is the same number the run's own page shows (on fewer contexts, stated above). The "
              "spread over seeds says how much of a difference between cells is training noise; the interval of each "
              "point says how much is the sampling of contexts. A sweep's folder holds its spec (sweep.json), its "
              "results table (results.parquet and .csv) and, when shipped, its checkpoints (runs/).",
        "ja": "スイープは格子の各セルとシードごとに小さなモデルを一つ学習し、発見の判定で測ります。そのため、ここの数値は"
              "モデル自身のページが示す数値と同じものです（文脈の数は少なく、上に記載）。シード間のばらつきはセル間の違いの"
              "うち学習のノイズによる分を、各点の区間は文脈のサンプリングによる分を示します。スイープのフォルダには仕様"
              "（sweep.json）、結果の表（results.parquet と .csv）、同梱される場合はチェックポイント（runs/）があります。",
    },
}
