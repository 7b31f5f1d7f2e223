"""UI strings of the Lab page."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.lab": {"en": "Lab", "ja": "ラボ"},
    "lab.title": {"en": "Lab: train a run and watch it learn", "ja": "ラボ：モデルを学習させ、その様子を見る"},
    "lab.lead": {
        "en": "Choose a preset, change the settings that matter and press Train. The run trains in a process of its "
              "own; the held-out loss, the one-step-GD reference and the run's headline measure appear as they form. "
              "A finished run joins the run picker and opens on every page.",
        "ja": "プリセットを選び、重要な設定を変えて「学習」を押してください。学習は別のプロセスで行われ、評価用データでの損失、"
              "勾配降下法 1 ステップの基準値、そしてそのモデルの代表的な指標が形になっていく様子が表示されます。"
              "学習を終えたモデルはモデル選択に加わり、すべてのページで開けます。",
    },
    "lab.preset": {"en": "Preset", "ja": "プリセット"},
    "lab.preset_help": {"en": "The starting configuration; the settings below replace its values.",
                        "ja": "出発点となる設定です。下の各設定がその値を置き換えます。"},
    "lab.knob.d": {"en": "d (state dimension)", "ja": "d（状態の次元）"},
    "lab.knob.T": {"en": "T (transitions per context)", "ja": "T（文脈あたりの遷移数）"},
    "lab.knob.w_dist": {"en": "W family", "ja": "W の族"},
    "lab.knob.mu": {"en": "μ (angles in [0, 2π/μ))", "ja": "μ（角度の範囲 [0, 2π/μ)）"},
    "lab.knob.noise": {"en": "noise σ", "ja": "ノイズ σ"},
    "lab.knob.s0": {"en": "s₀", "ja": "s₀"},
    "lab.knob.kind": {"en": "model kind", "ja": "モデルの種類"},
    "lab.knob.structure": {"en": "structure", "ja": "構造"},
    "lab.knob.heads": {"en": "heads", "ja": "ヘッドの形"},
    "lab.knob.field": {"en": "field", "ja": "数体"},
    "lab.knob.positional": {"en": "positional encoding", "ja": "位置エンコーディング"},
    "lab.knob.n_heads": {"en": "number of heads", "ja": "ヘッド数"},
    "lab.knob.steps": {"en": "steps (cap)", "ja": "ステップ数（上限）"},
    "lab.knob.seed": {"en": "seed", "ja": "シード"},
    "lab.knob.device": {"en": "device", "ja": "デバイス"},
    "lab.train": {"en": "Train", "ja": "学習"},
    "lab.bad_value": {"en": "Nothing was started: {reason}", "ja": "学習は開始していません。設定値が不正です：{reason}"},
    "lab.job": {"en": "**{name}** — {state}", "ja": "**{name}** — {state}"},
    "lab.state.starting": {"en": "starting", "ja": "開始中"},
    "lab.state.running": {"en": "training", "ja": "学習中"},
    "lab.state.complete": {"en": "finished", "ja": "完了"},
    "lab.state.stopped": {"en": "stopped", "ja": "停止"},
    "lab.state.failed": {"en": "failed", "ja": "失敗"},
    "lab.progress": {"en": "step {step} of at most {steps}", "ja": "ステップ {step}（上限 {steps}）"},
    "lab.stopped_by.plateau": {
        "en": "Stopped at step {step}: the held-out loss had stopped improving (the plateau rule).",
        "ja": "ステップ {step} で停止しました。評価用データでの損失が改善しなくなったためです（停滞の規則）。",
    },
    "lab.stopped_by.steps": {"en": "Stopped at step {step}, the step cap.", "ja": "上限のステップ {step} で停止しました。"},
    "lab.stopped_by.stop_loss": {"en": "Stopped at step {step}: the training loss fell below the stop loss.",
                                 "ja": "ステップ {step} で停止しました。学習データでの損失が停止の閾値を下回りました。"},
    "lab.loss_title": {"en": "Held-out loss while training", "ja": "学習中の評価用データでの損失"},
    "lab.headline_delta": {"en": "95% interval {low} – {high}, at step {step}",
                           "ja": "95% 区間 {low} – {high}（ステップ {step}）"},
    "lab.stop": {"en": "Stop", "ja": "停止"},
    "lab.resume": {"en": "Resume", "ja": "再開"},
    "lab.resumable": {
        "en": "The partial run is saved in {folder} and can be continued exactly (Resume, or "
              "`python -m icar_core.jobs FOLDER --resume`).",
        "ja": "途中までの学習は {folder} に保存されており、そのまま正確に続けられます（「再開」、または "
              "`python -m icar_core.jobs FOLDER --resume`）。",
    },
    "lab.open": {"en": "Open this run", "ja": "このモデルを開く"},
    "lab.how": {
        "en": "Each setting is checked before anything starts; a bad value gets one sentence naming it and its allowed "
              "range. Training stops at the step cap, or earlier once the held-out loss has not improved by {tol}% for {patience} "
              "evaluations in a row (PE-only runs keep the authors' rule: training loss below {stop_loss}). The solid line is "
              "the held-out loss, the dashed one the best single gradient-descent step on the same sequences (augmented "
              "runs only). The headline measure is re-measured about once a second on {contexts} fresh contexts; where it is a "
              "median over contexts, its 95% bootstrap interval is shown. Finished runs are saved in the user-runs "
              "folder and stay after a restart of the dashboard.",
        "ja": "各設定は開始前に検査され、不正な値にはその値と許される範囲を示す一文が表示されます。学習は上限のステップで、"
              "または評価用データでの損失が {patience} 回続けて {tol}% 以上改善しなかった時点で止まります（位置エンコーディングのみの"
              "モデルは著者らの規則、学習損失 {stop_loss} 未満で止まります）。実線は評価用データでの損失、破線は同じ系列での最良の"
              "勾配降下法 1 ステップです（拡張トークンのモデルのみ）。代表的な指標は約 1 秒ごとに新しい {contexts} 個の文脈で測り直し、"
              "文脈ごとの中央値の場合は 95% ブートストラップ区間を示します。学習を終えたモデルはユーザー用のフォルダに保存され、"
              "ダッシュボードを再起動しても残ります。",
    },
}
