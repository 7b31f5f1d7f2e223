"""UI strings of the snapshot scrubber, the comparison mode and the "reproduce in Python" box (shared by the
Model-vs-GD, Heads, Head-orthogonality and Positional-encodings pages)."""

STRINGS: dict[str, dict[str, str]] = {
    # The snapshot scrubber
    "snapshot.label": {"en": "Training step (snapshot)", "ja": "学習ステップ（スナップショット）"},
    "snapshot.help": {
        "en": "The same view computed from the weights saved during training ({count} snapshots). The rightmost "
              "position is the final weights.",
        "ja": "学習中に保存された重み（{count} 個のスナップショット）から同じ表示を計算します。右端が最終的な重みです。",
    },
    "snapshot.showing": {
        "en": "Showing the weights saved at training step {step}.",
        "ja": "学習ステップ {step} で保存された重みを表示しています。",
    },
    "snapshot.showing_final": {
        "en": "Showing the final weights (training step {step}).",
        "ja": "最終的な重み（学習ステップ {step}）を表示しています。",
    },
    "snapshot.none": {
        "en": "This run saved no training snapshots to step through: the view shows its final weights.",
        "ja": "このモデルには学習途中のスナップショットがないため、最終的な重みを表示しています。",
    },
    # Comparison mode
    "compare.label": {"en": "Compare with", "ja": "比較するモデル"},
    "compare.help": {
        "en": "Pin a second run to see this page for both side by side (the second at its final weights), with "
              "the numbers that matter set against each other (— : no second run). The same run pins its final "
              "weights beside the chosen snapshot.",
        "ja": "2 つ目のモデルを固定すると、このページを両方について並べて表示し（2 つ目は最終的な重み）、重要な数値を比べます。"
              "（— は比較なし）。同じモデルを選ぶと、選んだスナップショットの横に最終的な重みを並べます。",
    },
    "compare.column_step": {"en": "{run} · step {step}", "ja": "{run} · ステップ {step}"},
    "compare.not_applicable": {
        "en": "This view does not apply to the run “{run}”: {reason}.",
        "ja": "この表示はモデル「{run}」には当てはまりません（{reason}）。",
    },
    "compare.differences": {"en": "The two runs against each other", "ja": "2 つのモデルの比較"},
    "compare.differences_caption": {
        "en": "A sampled number is its value with its 95% bootstrap interval and n (the contexts it was measured "
              "on); two of them differ only when their intervals separate. A number read off the weights is "
              "exact: its difference is stated as it is.",
        "ja": "標本から求めた数値は、値と 95% ブートストラップ区間、n（測定に使った文脈の数）で示します。区間が離れているときにだけ"
              "差があるといえます。重みから直接読み取った数値は厳密なので、差をそのまま示します。",
    },
    "compare.quantity": {"en": "Quantity", "ja": "量"},
    "compare.run_a": {"en": "A: {run}", "ja": "A：{run}"},
    "compare.run_b": {"en": "B: {run}", "ja": "B：{run}"},
    "compare.b_against_a": {"en": "B against A", "ja": "B と A の比較"},
    "compare.absent": {"en": "does not apply", "ja": "該当しません"},
    "compare.estimate": {"en": "{text} (n = {n})", "ja": "{text}（n = {n}）"},
    "compare.no_difference": {"en": "—", "ja": "—"},
    "compare.overlap": {
        "en": "intervals overlap: no difference resolved",
        "ja": "区間が重なる：差は確認できません",
    },
    "compare.separate_higher": {"en": "intervals separate: B is higher", "ja": "区間が離れている：B の方が大きい"},
    "compare.separate_lower": {"en": "intervals separate: B is lower", "ja": "区間が離れている：B の方が小さい"},
    "compare.exact_difference": {
        "en": "B − A = {difference} (exact, from the weights)",
        "ja": "B − A = {difference}（重みから求めた厳密な値）",
    },
    "compare.gd.loss_ratio": {
        "en": "Loss ratio, model / best GD step (last position)",
        "ja": "損失比：モデル / 最良の GD 1 ステップ（最後の位置）",
    },
    "compare.gd.prediction_cosine": {
        "en": "Prediction cosine with the GD step (median)",
        "ja": "GD ステップの予測とのコサイン（中央値）",
    },
    "compare.gd.model_loss": {"en": "Model MSE (last position)", "ja": "モデルの平均二乗誤差（最後の位置）"},
    "compare.gd.gd_loss": {"en": "Best GD step MSE (last position)", "ja": "最良の GD 1 ステップの平均二乗誤差（最後の位置）"},
    "compare.heads.n_heads": {"en": "Heads", "ja": "ヘッド数"},
    "compare.heads.norm": {"en": "Strongest head circuit, norm", "ja": "最も強いヘッド回路のノルム"},
    "compare.heads.share": {"en": "Strongest head's share of the norms", "ja": "最も強いヘッドのノルムの割合"},
    "compare.heads.preconditioner": {
        "en": "c of the strongest head's preconditioner c·I",
        "ja": "最も強いヘッドの前処理行列 c·I の c",
    },
    "compare.orth.score": {"en": "Mean |cosine| between heads", "ja": "ヘッド間の |コサイン| の平均"},
    "compare.orth.random": {"en": "The same for random directions", "ja": "ランダムな方向での同じ値"},
    "compare.orth.c": {"en": "c of the best fit of C = Bᵀ A", "ja": "C = Bᵀ A の最良の当てはめの c"},
    "compare.orth.error": {"en": "Relative error of that fit", "ja": "その当てはめの相対誤差"},
    "compare.positions.pca_share": {
        "en": "Variance in the first two principal components",
        "ja": "第 2 主成分までの分散の割合",
    },
    "compare.positions.turns": {"en": "Turns of the PCA path", "ja": "PCA の軌跡の回転数"},
    "compare.positions.r2": {"en": "R² of the last row's cosine fit", "ja": "最後の行のコサイン当てはめの R²"},
    "compare.positions.omega": {"en": "ω of that cosine fit", "ja": "そのコサイン当てはめの ω"},
    # Reproduce in Python
    "reproduce.title": {"en": "Reproduce in Python", "ja": "Python で再現する"},
    "reproduce.caption": {
        "en": "These lines recompute this view's numbers with icar_core (run them from the repository's folder).",
        "ja": "次の数行で、この表示の数値を icar_core で計算し直せます（リポジトリのフォルダで実行してください）。",
    },
}
