"""UI strings of the Training page."""

STRINGS: dict[str, dict[str, str]] = {
    "training.title": {"en": "How the runs trained", "ja": "学習の経過"},
    "training.lead": {
        "en": "Loss curves of one or several runs, how the paper's structure appeared in the weights during training, "
              "and each run's settings.",
        "ja": "一つまたは複数のモデルの損失曲線、学習中に論文の構造が重みの中にどう現れたか、そして各モデルの設定を示します。",
    },
    "training.verdict.gd": {
        "en": "Run “{run}”: final held-out loss {final} after {steps} steps, on its {contexts} held-out sequences "
              "averaged over all positions (best single GD step on the same: {gd}; ratio {ratio}). These are point "
              "values on one fixed set, so they decide nothing within a few percent: the Model vs GD page gives the "
              "ratio with its 95% interval on fresh contexts.",
        "ja": "モデル「{run}」：{steps} ステップ後の評価用データでの最終損失は {final} です。評価用の {contexts} 系列の全位置で"
              "平均した値で、同じデータでの最良の勾配降下法 1 ステップは {gd}、比は {ratio} です。これらは 1 つの固定データ上の"
              "点の値なので、数パーセントの差は判定できません。新しい文脈での比と 95% 区間は「モデル vs GD」ページにあります。",
    },
    "training.verdict.fell": {
        "en": "Run “{run}”: held-out loss fell from {start} to {final} in {steps} steps ({factor}× lower).",
        "ja": "モデル「{run}」：評価用データでの損失は {steps} ステップで {start} から {final} まで、{factor} 倍小さくなりました。",
    },
    "training.verdict.fell_objective": {
        "en": "Run “{run}” was optimised directly on the paper's closed-form objective, which reached {objective} "
              "after {steps} steps. On {contexts} sampled held-out sequences, its prediction loss fell from {start} to "
              "{final} ({factor}× lower).",
        "ja": "モデル「{run}」は論文の閉じた形の目的関数を直接最小化したもので、{steps} ステップ後の目的関数の値は {objective} "
              "です。サンプルした評価用の {contexts} 系列での予測損失は {start} から {final} まで、{factor} 倍小さくなりました。",
    },
    "training.verdict.lowest": {
        "en": "The last logged value is a spike: the lowest held-out loss logged was {lowest}, at step {step}.",
        "ja": "最後の記録値は一時的な跳ね上がりです。記録した評価用データでの損失の最小値は {lowest}（ステップ {step}）でした。",
    },
    "training.verdict.incomplete": {
        "en": "Training is still running or was stopped early (step {steps} of {total}).",
        "ja": "学習はまだ続いているか、途中で止まっています（{total} ステップ中 {steps}）。",
    },
    # Loss curves
    "training.losses": {"en": "Loss curves", "ja": "損失曲線"},
    "training.runs": {"en": "Runs to overlay", "ja": "重ねて表示するモデル"},
    "training.runs_help": {
        "en": "Starts with the run chosen in the sidebar; add others to compare them.",
        "ja": "最初はサイドバーで選んだモデルです。ほかのモデルを加えて比べられます。",
    },
    "training.show_train": {"en": "Also show the training loss", "ja": "学習データでの損失も表示する"},
    "training.show_train_help": {
        "en": "The training loss is measured on each step's batch, so it is noisier than the held-out loss.",
        "ja": "学習データでの損失は各ステップのバッチで測るため、評価用データでの損失よりばらつきます。",
    },
    "training.no_runs": {"en": "Pick at least one run to draw its loss curve.",
                         "ja": "損失曲線を描くには、少なくとも一つのモデルを選んでください。"},
    "training.loss_title": {"en": "Prediction loss during training (log scale)", "ja": "学習中の予測損失（対数目盛）"},
    "training.loss_x": {"en": "training step", "ja": "学習ステップ"},
    "training.loss_y": {"en": "mean squared error of the next state", "ja": "次の状態の平均二乗誤差"},
    "training.run_legend": {"en": "run", "ja": "モデル"},
    "training.curve_legend": {"en": "curve", "ja": "曲線"},
    "training.curve.eval_loss": {"en": "held-out loss", "ja": "評価用データでの損失"},
    "training.curve.train_loss": {"en": "training loss", "ja": "学習データでの損失"},
    "training.curve.gd_loss": {"en": "best single GD step (reference)", "ja": "最良の勾配降下法 1 ステップ（基準）"},
    "training.curve.objective": {"en": "training loss = the paper's closed-form objective",
                                 "ja": "学習データでの損失 = 論文の閉じた形の目的関数"},
    "training.objective_note": {
        "en": "“{run}” was not trained on sampled batches: its training loss is the paper's closed-form objective "
              "(Sander et al., Figure 3) in icar's loss units, minimised directly; its held-out loss is the usual "
              "prediction loss on {eval} sampled sequences.",
        "ja": "「{run}」はサンプルしたバッチで学習していません。学習で最小化した損失は論文の閉じた形の目的関数（Sander ら、図 3）を icar の"
              "損失の単位に直したもので、これを直接最小化しています。評価用データでの損失は、{eval} 個のサンプル系列での通常の予測損失です。",
    },
    "training.loss_caption.all": {
        "en": "The dashed reference line is the held-out loss of one gradient-descent step with the best step size for "
              "each context length.",
        "ja": "破線の基準線は、文脈の長さごとに最良のステップ幅をとった勾配降下法 1 ステップの、評価用データでの損失です。",
    },
    "training.loss_caption.some": {
        "en": "The dashed reference line is the held-out loss of one gradient-descent step with the best step size for "
              "each context length. Only runs with augmented tokens have it: {with_gd} of the {count} runs shown.",
        "ja": "破線の基準線は、文脈の長さごとに最良のステップ幅をとった勾配降下法 1 ステップの、評価用データでの損失です。"
              "拡張トークンのモデルにだけあり、表示中の {count} 個のうち {with_gd} 個が該当します。",
    },
    "training.loss_caption.none_one": {
        "en": "This run has no gradient-descent reference line: only runs with augmented tokens have one.",
        "ja": "このモデルには勾配降下法の基準線がありません。基準線があるのは拡張トークンのモデルだけです。",
    },
    "training.loss_caption.none": {
        "en": "None of the runs shown has a gradient-descent reference line: only runs with augmented tokens have one.",
        "ja": "表示中のどのモデルにも勾配降下法の基準線はありません。基準線があるのは拡張トークンのモデルだけです。",
    },
    "training.final_loss": {"en": "Final held-out loss", "ja": "評価用データでの最終損失"},
    "training.final_loss_help": {
        "en": "Mean squared next-state error on the run's fixed held-out batch ({contexts} sequences, averaged over "
              "all positions), at the last logged step ({step}); below it, the first logged value.",
        "ja": "このモデルの固定した評価用バッチ（{contexts} 系列、全位置の平均）での次の状態の平均二乗誤差で、最後に記録した"
              "ステップ {step} の値です。下は最初に記録した値です。",
    },
    "training.lowest_loss": {"en": "Lowest held-out loss", "ja": "評価用データでの最小損失"},
    "training.lowest_loss_help": {
        "en": "The smallest held-out loss logged during training, and its step. A final value far above it is a "
              "spike of the last steps. Median of the last five logs: {median}.",
        "ja": "学習中に記録した評価用データでの損失の最小値と、そのステップ。最終値がこれよりずっと大きければ、最後の数ステップでの"
              "一時的な跳ね上がりです。最後の 5 回の記録の中央値：{median}。",
    },
    "training.delta.first": {"en": "first logged: {value}", "ja": "最初の記録：{value}"},
    "training.delta.at_step": {"en": "at step {step}", "ja": "ステップ {step}"},
    "training.delta.ratio": {"en": "model ÷ GD: {ratio}", "ja": "モデル ÷ 勾配降下法：{ratio}"},
    "training.delta.planned": {"en": "planned: {total}", "ja": "予定：{total}"},
    "training.delta.first_snapshot": {"en": "first snapshot: {value}", "ja": "最初のスナップショット：{value}"},
    "training.gd_loss": {"en": "GD step's held-out loss", "ja": "勾配降下法の損失"},
    "training.gd_loss_help": {
        "en": "The same held-out batch ({contexts} sequences, averaged over all positions) predicted by one "
              "gradient-descent step with the best step size per context length; a ratio near 1 means the model does "
              "as well as that step. The Home page's ratio is another measurement: fresh contexts, last position only.",
        "ja": "同じ評価用バッチ（{contexts} 系列、全位置の平均）を、文脈の長さごとに最良のステップ幅をとった勾配降下法 1 ステップで予測した"
              "ときの損失です。比が 1 に近ければ、モデルはそのステップと同じくらいよく予測しています。ホームページの比は別の測定"
              "（新しい文脈、最後の位置のみ）です。",
    },
    "training.steps": {"en": "Steps trained", "ja": "学習したステップ数"},
    # Structure during training
    "training.structure": {"en": "How the structure appeared during training", "ja": "学習中に構造が現れる様子"},
    "training.structure_caption": {
        "en": "Measured on the {count} snapshots of the weights saved during training of the run chosen in the "
              "sidebar, “{run}”.",
        "ja": "サイドバーで選んだモデル「{run}」の学習中に保存した {count} 個の重みのスナップショットで測りました。",
    },
    "training.na.no_measure": {
        "en": "none of the structure measures (agreement with gradient descent, head overlap, cosine shape of the "
              "positional weights) applies to this kind of run",
        "ja": "構造の指標（勾配降下法との一致、ヘッドの重なり、位置の重みのコサインの形）のどれもこの種類のモデルには当てはまりません",
    },
    "training.na.no_snapshots": {
        "en": "the checkpoint holds no snapshots of the weights during training",
        "ja": "チェックポイントに学習中の重みのスナップショットが含まれていません",
    },
    "training.structure_title": {"en": "The paper's structure, snapshot by snapshot", "ja": "スナップショットごとの論文の構造"},
    "training.structure_x": {"en": "training step (symmetric log scale)", "ja": "学習ステップ（対称対数目盛）"},
    "training.structure_y": {"en": "value", "ja": "値"},
    "training.structure_legend": {"en": "measure", "ja": "指標"},
    "training.metric.prediction_cosine": {"en": "GD agreement: prediction cosine ({contexts} contexts, last position)",
                                          "ja": "勾配降下法との一致：予測のコサイン類似度（{contexts} 文脈、最後の位置）"},
    "training.metric.loss_ratio": {"en": "Loss ÷ best GD step's loss ({contexts} contexts, last position)",
                                   "ja": "損失 ÷ 最良の勾配降下法 1 ステップの損失（{contexts} 文脈、最後の位置）"},
    "training.metric.orthogonality": {"en": "Head overlap: mean |cosine|", "ja": "ヘッドの重なり：|コサイン| の平均"},
    "training.metric.circuit_error": {"en": "Bᵀ A: distance to the paper's shape", "ja": "Bᵀ A：論文の形との距離"},
    "training.metric.pe_r2": {"en": "Positional row: cosine-fit R²", "ja": "位置の行：コサイン当てはめの R²"},
    "training.short.prediction_cosine": {"en": "Prediction cosine", "ja": "予測のコサイン"},
    "training.short.loss_ratio": {"en": "Loss ÷ GD step's loss", "ja": "損失 ÷ 勾配降下法の損失"},
    "training.short.orthogonality": {"en": "Head overlap", "ja": "ヘッドの重なり"},
    "training.short.circuit_error": {"en": "Bᵀ A: distance to shape", "ja": "Bᵀ A と論文の形の距離"},
    "training.short.pe_r2": {"en": "Positional row: R²", "ja": "位置の行の R²"},
    "training.metric_help.prediction_cosine": {
        "en": "Median cosine between the model's and the best GD step's predictions, {contexts} fresh contexts, full "
              "length; 1 = same direction.",
        "ja": "新しい {contexts} 個の文脈（最大の長さ）で、モデルと最良の勾配降下法 1 ステップの予測のコサイン類似度の中央値。1 なら同じ向き。",
    },
    "training.metric_help.loss_ratio": {
        "en": "The model's mean squared error over that of the best GD step, on the same {contexts} fresh contexts at "
              "the last position (not the held-out set above, which averages all positions); 1 = as good as one GD "
              "step.",
        "ja": "同じ {contexts} 個の新しい文脈の最後の位置で、モデルの平均二乗誤差を最良の勾配降下法 1 ステップのもので割った値"
              "（全位置を平均する上の評価用データとは別の測定）。1 なら勾配降下法 1 ステップと同等。",
    },
    "training.metric_help.orthogonality": {
        "en": "Mean |cosine| between the heads' parameter vectors: 0 = the heads use independent directions.",
        "ja": "ヘッドのパラメータベクトル間の |コサイン| の平均。0 なら各ヘッドが独立な方向を使っています。",
    },
    "training.metric_help.circuit_error": {
        "en": "Relative distance of C = Bᵀ A from the nearest c·I or c·(I + S) (whichever fits better); 0 = exactly "
              "the paper's optimum.",
        "ja": "C = Bᵀ A と、最も近い c·I または c·(I + S)（よく合う方）との相対距離。0 なら論文の最適解そのものです。",
    },
    "training.metric_help.pe_r2": {
        "en": "How much of the last used row of the positional matrix one cosine wave explains (1 = all of it); "
              "snapshots where that row is flat round-off (no shape to fit) have no point.",
        "ja": "位置行列の最後に使われる行のうち、一つのコサイン波で説明できる割合（1 ならすべて）。その行が丸め誤差だけで平坦な"
              "（当てはめる形がない）スナップショットには点がありません。",
    },
    # Configuration
    "training.config": {"en": "Configuration of “{run}”", "ja": "「{run}」の設定"},
    "training.col.group": {"en": "part", "ja": "区分"},
    "training.col.setting": {"en": "setting", "ja": "設定項目"},
    "training.col.value": {"en": "value", "ja": "値"},
    "training.group.process": {"en": "sequences (process)", "ja": "系列（過程）"},
    "training.group.model": {"en": "model", "ja": "モデル"},
    "training.group.optimisation": {"en": "optimisation", "ja": "最適化"},
    "training.group.progress": {"en": "progress", "ja": "進捗"},
    "training.value.yes": {"en": "yes", "ja": "はい"},
    "training.value.no": {"en": "no", "ja": "いいえ"},
    "training.cfg.d": {"en": "state dimension d", "ja": "状態の次元 d"},
    "training.cfg.T": {"en": "context length T (transitions)", "ja": "文脈の長さ T（遷移の数）"},
    "training.cfg.w_dist": {"en": "distribution of W", "ja": "W の分布"},
    "training.cfg.mu": {"en": "angle range 2π/μ: μ", "ja": "角度の範囲 2π/μ の μ"},
    "training.cfg.basis": {"en": "basis Q of the rotation planes", "ja": "回転平面の基底 Q"},
    "training.cfg.s0": {"en": "starting state s₀", "ja": "初期状態 s₀"},
    "training.cfg.noise": {"en": "noise σ", "ja": "ノイズ σ"},
    "training.cfg.seed": {"en": "random seed", "ja": "乱数シード"},
    "training.cfg.kind": {"en": "model kind", "ja": "モデルの種類"},
    "training.cfg.n_heads": {"en": "number of heads H", "ja": "ヘッド数 H"},
    "training.cfg.structure": {"en": "weight structure (full or block)", "ja": "重みの構造（full または block）"},
    "training.cfg.normalisation": {"en": "attention normalisation", "ja": "アテンションの正規化"},
    "training.cfg.heads": {"en": "head type (full or diagonal)", "ja": "ヘッドの型（full または diagonal）"},
    "training.cfg.positional": {"en": "positional term", "ja": "位置の項"},
    "training.cfg.field": {"en": "numbers (real or complex)", "ja": "数の種類（実数または複素数）"},
    "training.cfg.query": {"en": "query token", "ja": "クエリのトークン"},
    "training.cfg.init_scale": {"en": "initial weight scale", "ja": "重みの初期スケール"},
    "training.cfg.pos_dim": {"en": "positional embedding size", "ja": "位置埋め込みの次元"},
    "training.cfg.optimizer": {"en": "optimiser", "ja": "最適化手法"},
    "training.cfg.steps": {"en": "planned steps", "ja": "予定ステップ数"},
    "training.cfg.batch_size": {"en": "sequences per step (batch)", "ja": "1 ステップの系列数（バッチ）"},
    "training.cfg.lr": {"en": "learning rate", "ja": "学習率"},
    "training.cfg.lr_decay": {"en": "learning-rate decay", "ja": "学習率の減衰"},
    "training.cfg.fixed_batch": {"en": "one fixed batch", "ja": "固定した 1 バッチ"},
    "training.cfg.stop_loss": {"en": "stop below loss (0 = never)", "ja": "この損失を下回ったら停止（0 = しない）"},
    "training.cfg.plateau_patience": {"en": "stop after … evaluations without a new best (0 = never)",
                                      "ja": "最良値の更新がない評価がこの回数続いたら停止（0 = しない）"},
    "training.cfg.plateau_tol": {"en": "a new best: lower by at least this fraction",
                                 "ja": "最良値の更新とみなす相対的な改善の幅"},
    "training.cfg.eval_size": {"en": "held-out sequences", "ja": "評価用の系列数"},
    "training.cfg.log_every": {"en": "log every … steps", "ja": "記録の間隔（ステップ）"},
    "training.cfg.n_snapshots": {"en": "weight snapshots kept", "ja": "保存する重みのスナップショット数"},
    "training.cfg.dtype": {"en": "number precision", "ja": "数値の精度"},
    "training.cfg.trained_steps": {"en": "steps trained", "ja": "学習したステップ数"},
    "training.cfg.complete": {"en": "training finished", "ja": "学習完了"},
    "training.cfg.seconds": {"en": "training time (seconds)", "ja": "学習時間（秒）"},
    "training.how": {
        "en": "**Loss.** The mean squared distance between the predicted and the true next state, averaged over "
              "positions; lower is better, and the vertical axis is logarithmic (each grid line is 10× smaller). "
              "**Held-out loss.** Measured on sequences the model never trained on. **Best single GD step.** The "
              "loss of the explicit algorithm the paper compares with: estimate W by one step of gradient descent "
              "on the context, with the best step size — the level an augmented model is expected to reach. "
              "**Snapshots.** Copies of the weights saved during training, more often early on; every measure in "
              "the structure chart is recomputed on each. **Prediction cosine.** 1 means the model and GD predict "
              "in the same direction. **Head overlap.** 0 means the heads use independent directions (orthogonal "
              "heads). **Bᵀ A.** The heads' combined circuit; the paper's optimum is a scaled identity (or its "
              "rotation-block variant). **R².** The share of a positional row one cosine wave explains.",
        "ja": "**損失。** 予測した次の状態と本当の次の状態との二乗距離を位置について平均したもの。小さいほど良く、縦軸は対数目盛です"
              "（目盛線ごとに 10 分の 1）。**評価用データでの損失。** 学習に使っていない系列で測った損失。**最良の勾配降下法 1 ステップ（GD）。** "
              "論文が比べる明示的なアルゴリズムの損失です。文脈に対して勾配降下法を 1 回適用して W を推定し、ステップ幅は最良のものを"
              "使います。拡張トークンのモデルが到達すると期待される水準です。**スナップショット。** 学習中に保存した重みのコピー（初期ほど頻繁）。"
              "構造のグラフの各指標はそれぞれで計算し直しています。**予測のコサイン類似度。** 1 ならモデルと勾配降下法が同じ向きに予測しています。"
              "**ヘッドの重なり。** 0 なら各ヘッドが独立な方向を使っています（直交するヘッド）。**Bᵀ A。** ヘッド全体としての回路で、"
              "論文の最適解はスカラー倍の単位行列（またはその回転ブロック版）です。**R²。** 位置の行のうち一つのコサイン波で説明できる割合。",
    },
}
