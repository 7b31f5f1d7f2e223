"""UI strings of the Model-vs-GD page (Finding 1)."""

STRINGS: dict[str, dict[str, str]] = {
    "gd.title": {"en": "The model against one step of gradient descent",
                 "ja": "モデルと勾配降下法 1 ステップの比較"},
    "gd.lead": {
        "en": "On one and the same context, the model's estimate of the rule W is set beside what one step of gradient "
              "descent on that context gives, and beside the true W.",
        "ja": "同じ一つの文脈について、モデルによる規則 W の推定を、その文脈で勾配降下法を 1 ステップ行った結果、および本当の W と並べて比べます。",
    },
    "gd.verdict_for": {"en": "Run “{run}”: {text}", "ja": "モデル「{run}」：{text}"},
    # Controls
    "gd.controls": {"en": "Choose the context", "ja": "文脈を選ぶ"},
    "gd.seed": {"en": "Random draw (seed)", "ja": "乱数による抽選（シード）"},
    "gd.seed_help": {
        "en": "Each number draws a new starting state s₀ (and a new rule W) from the run's own distribution.",
        "ja": "番号ごとに、このモデルの学習時と同じ分布から新しい初期状態 s₀（と新しい規則 W）を抽選します。",
    },
    "gd.n": {"en": "Context length n (states s₀ … sₙ seen)", "ja": "文脈の長さ n（見えている状態 s₀ … sₙ）"},
    "gd.n_help": {
        "en": "The model and the GD step both predict s_(n+1) from s₀ … sₙ.",
        "ja": "モデルも勾配降下法 1 ステップも、s₀ … sₙ から s_(n+1) を予測します。",
    },
    "gd.angle": {"en": "Rotation angle of plane {k} (degrees)", "ja": "平面 {k} の回転角（度）"},
    "gd.angle_help": {
        "en": "W turns each 2×2 plane by its own angle (W = Q·blockdiag(R(θ₁), …)·Qᵀ, Q the run's fixed basis). "
              "The starting value is the seed's draw; moving it rebuilds W and the whole sequence from the same s₀.",
        "ja": "W は 2×2 の平面ごとに固有の角度で回転させます（W = Q·blockdiag(R(θ₁), …)·Qᵀ、Q はこのモデルの固定基底）。"
              "初期値はシードで抽選した値です。動かすと、同じ s₀ から W と系列全体を作り直します。",
    },
    "gd.angles_caption": {
        "en": "This run's rules are rotations in fixed planes, so you can set each plane's angle yourself.",
        "ja": "このモデルの規則は固定された平面内の回転なので、各平面の角度を自分で設定できます。",
    },
    "gd.no_angles": {
        "en": "This run's rules W are random orthogonal matrices (they do not share rotation planes), so W is drawn "
              "with the seed rather than set by angles.",
        "ja": "このモデルの規則 W はランダムな直交行列です（回転平面を共有しません）。そのため W は角度で設定せず、シードで抽選します。",
    },
    # Matrices
    "gd.matrices": {"en": "Three estimates of W on this context", "ja": "この文脈での W の 3 つの姿"},
    "gd.matrices_title": {"en": "Context length n = {n}: the model's update, one GD step, and the true W (one colour scale)",
                          "ja": "文脈の長さ n = {n}：モデルの更新、勾配降下法 1 ステップ、本当の W（共通の色尺度）"},
    "gd.panel.model": {"en": "Model's update Γ (acts on sₙ)", "ja": "モデルの更新 Γ（sₙ に作用）"},
    "gd.panel.gd": {"en": "One GD step W_GD (η = {eta})", "ja": "勾配降下法 1 ステップ W_GD（η = {eta}）"},
    "gd.panel.truth": {"en": "True W", "ja": "本当の W"},
    "gd.panel.ls": {"en": "Least squares W_LS", "ja": "最小二乗法 W_LS"},
    "gd.m.ls_error": {"en": "Least squares' error", "ja": "最小二乗法の誤差"},
    "gd.m.ls_error_help": {
        "en": "Squared distance of the least-squares prediction W_LS sₙ to the true next state, W_LS fitted to this "
              "context (s_t ≈ W s_(t−1)). Without noise it is exact once the context has d transitions: the scale "
              "against which 'matches one GD step' should be read (states here have length {length}).",
        "ja": "この文脈に当てはめた最小二乗法の予測 W_LS sₙ と本当の次の状態の二乗距離（s_t ≈ W s_(t−1)）。ノイズがなければ、"
              "文脈に d 個の遷移があれば厳密に当たります。「勾配降下法 1 ステップと一致」を読むときの目安です（ここでの状態の長さは {length}）。",
    },
    "gd.m.ls_W_error": {"en": "Least squares vs true W", "ja": "最小二乗法と W の差"},
    "gd.m.ls_W_error_help": {"en": "‖W_LS − W‖ / ‖W‖.", "ja": "‖W_LS − W‖ / ‖W‖。"},
    "gd.series.ls": {"en": "least squares on the context", "ja": "文脈での最小二乗法"},
    "gd.series.ls_prediction": {"en": "least squares' prediction", "ja": "最小二乗法の予測"},
    "gd.panel.previous": {"en": "Model's s_(n−1) block", "ja": "モデルの s_(n−1) ブロック"},
    "gd.axis.in": {"en": "input coordinate", "ja": "入力の座標"},
    "gd.axis.out": {"en": "output coordinate", "ja": "出力の座標"},
    "gd.axis.value": {"en": "entry", "ja": "成分"},
    "gd.block_previous_zero": {
        "en": "The model's block acting on the previous state s_(n−1) is zero by construction in this run: with block "
              "structure the query reads only sₙ, so the whole prediction goes through Γ.",
        "ja": "このモデルでは、一つ前の状態 s_(n−1) に作用するブロックは構造上ゼロです。ブロック構造ではクエリが sₙ だけを読むため、"
              "予測はすべて Γ を通ります。",
    },
    "gd.full_split": {
        "en": "This run's weights are unconstrained (structure “full”): the same predictions can come from a different "
              "split between the block acting on sₙ (Γ) and the block acting on s_(n−1) (fourth panel; its size is "
              "{share}% of Γ's). So Γ alone need not equal W_GD: the prediction-level numbers below are the judge.",
        "ja": "このモデルの重みには制約がありません（構造 “full”）。同じ予測が、sₙ に作用するブロック（Γ）と s_(n−1) に作用するブロック"
              "（4 枚目。大きさは Γ の {share}%）への別の分け方からも生まれます。したがって Γ だけが W_GD と一致する必要はなく、"
              "判断の基準は下の予測レベルの数値です。",
    },
    # Metrics
    "gd.metrics": {"en": "How close are they on this context?", "ja": "この文脈でどれだけ近いか"},
    "gd.metrics_caption": {
        "en": "Predictions of s_(n+1) from s₀ … sₙ (n = {n}). Prediction difference, sensitivity cosine and sensitivity "
              "L2 distance are the three measures von Oswald et al. (2023) use to compare a transformer with gradient "
              "descent.",
        "ja": "s₀ … sₙ（n = {n}）から s_(n+1) を予測した結果です。予測の差、感度のコサイン類似度、感度の L2 距離の 3 つは、"
              "von Oswald ら（2023）がトランスフォーマーと勾配降下法を比べるのに使った指標です。",
    },
    "gd.m.model_error": {"en": "Model's error", "ja": "モデルの誤差"},
    "gd.delta.gd": {"en": "GD step: {value}", "ja": "勾配降下法：{value}"},
    "gd.delta.model": {"en": "model: {value}", "ja": "モデル：{value}"},
    "gd.delta.best_eta": {"en": "best η: {value}", "ja": "最良の η：{value}"},
    "gd.m.model_error_help": {
        "en": "Squared distance between the model's prediction and the true next state W sₙ (the states of this context have length ≈ {length}); below it, the same for one GD step.",
        "ja": "モデルの予測と本当の次の状態 W sₙ との二乗距離（この文脈の状態の長さはおよそ {length}）。下の値は勾配降下法 1 ステップの同じ値です。",
    },
    "gd.m.gd_error": {"en": "GD step's error", "ja": "勾配降下法の誤差"},
    "gd.m.gd_error_help": {
        "en": "Squared distance between one GD step's prediction W_GD sₙ and the true next state; below it, the "
              "model's.",
        "ja": "勾配降下法 1 ステップの予測 W_GD sₙ と本当の次の状態との二乗距離。下の値はモデルのものです。",
    },
    "gd.m.prediction_diff": {"en": "Prediction difference", "ja": "予測の差"},
    "gd.m.prediction_diff_help": {
        "en": "‖model − GD‖: distance between the model's prediction and one GD step's (0 = identical).",
        "ja": "‖モデル − 勾配降下法‖：モデルの予測と勾配降下法 1 ステップの予測との距離（0 なら同一）。",
    },
    "gd.m.prediction_cosine": {"en": "Prediction cosine", "ja": "予測のコサイン"},
    "gd.m.prediction_cosine_help": {
        "en": "Cosine between the model's prediction and one GD step's: 1 means both point the same way.",
        "ja": "モデルの予測と勾配降下法 1 ステップの予測のコサイン。1 なら二つは同じ向きです。",
    },
    "gd.m.sensitivity_cosine": {"en": "Sensitivity cosine", "ja": "感度のコサイン"},
    "gd.m.sensitivity_cosine_help": {
        "en": "Model vs GD step: how each prediction changes when the current token changes (the model: "
              "[Γ, s_(n−1) block]; GD: [W_GD, 0]); 1 means the same response.",
        "ja": "モデル対勾配降下法：現在のトークンを変えたときに予測がどう変わるか（モデルは [Γ, s_(n−1) ブロック]、勾配降下法は "
              "[W_GD, 0]）。1 なら同じ反応です。",
    },
    "gd.m.sensitivity_l2": {"en": "Sensitivity L2 distance", "ja": "感度の L2 距離"},
    "gd.m.sensitivity_l2_help": {
        "en": "Model vs GD step: Frobenius distance between the two sensitivities (0 = identical).",
        "ja": "モデル対勾配降下法：二つの感度のフロベニウス距離（0 なら同一）。",
    },
    "gd.m.update_cosine": {"en": "Update cosine", "ja": "更新のコサイン"},
    "gd.m.update_cosine_help": {
        "en": "Cosine between the model's update Γ and W_GD, entry by entry (1 = proportional).",
        "ja": "モデルの更新 Γ と W_GD を成分ごとに比べたコサイン類似度（1 なら比例）。",
    },
    "gd.m.update_rel_error": {"en": "Update, relative diff.", "ja": "更新の相対差"},
    "gd.m.update_rel_error_help": {
        "en": "‖Γ − W_GD‖ / ‖W_GD‖ (Frobenius norms; 0 = identical).",
        "ja": "‖Γ − W_GD‖ / ‖W_GD‖（フロベニウスノルム。0 なら同一）。",
    },
    "gd.m.model_W_error": {"en": "Model vs true W", "ja": "モデルと W の差"},
    "gd.m.model_W_error_help": {
        "en": "‖Γ − W‖ / ‖W‖ (below it, the same for W_GD): one step from zero shrinks W, so neither estimate is expected to equal W; what matters "
              "is that the model and GD are alike.",
        "ja": "‖Γ − W‖ / ‖W‖（下の値は W_GD の同じ量）。ゼロから 1 ステップだけ進むと W は縮むため、どちらの推定も W と一致するとは限りません。"
              "大事なのはモデルと勾配降下法が似ていることです。",
    },
    "gd.m.gd_W_error": {"en": "GD step vs true W", "ja": "勾配降下法と W の差"},
    "gd.m.gd_W_error_help": {"en": "‖W_GD − W‖ / ‖W‖; below it, the model's.", "ja": "‖W_GD − W‖ / ‖W‖。下の値はモデルのものです。"},
    "gd.m.model_eta": {"en": "Model's step size η", "ja": "モデルのステップ幅 η"},
    "gd.m.model_eta_help": {
        "en": "The η that best maps Σ s_t s_(t−1)ᵀ onto Γ for this context; below it, the step size that is best for "
              "the task at this context length.",
        "ja": "この文脈で Σ s_t s_(t−1)ᵀ を Γ に最もよく写す η。下の値は、この文脈長で課題に最適なステップ幅です。",
    },
    # Curves and trajectory
    "gd.curve_title": {"en": "Error against context length ({contexts} contexts)",
                       "ja": "文脈の長さと誤差（{contexts} 個の文脈）"},
    "gd.curve_x": {"en": "context length n", "ja": "文脈の長さ n"},
    "gd.curve_y": {"en": "mean squared error of the next state", "ja": "次の状態の平均二乗誤差"},
    "gd.curve_now": {"en": "the n chosen above", "ja": "上で選んだ n"},
    "gd.series.model": {"en": "model", "ja": "モデル"},
    "gd.series.gd": {"en": "one GD step (best η)", "ja": "勾配降下法 1 ステップ（最良の η）"},
    "gd.series.gd_prediction": {"en": "one GD step's prediction", "ja": "勾配降下法 1 ステップの予測"},
    "gd.series.truth": {"en": "true rule W", "ja": "本当の規則 W"},
    "gd.curve_caption": {
        "en": "Averaged over {contexts} fresh contexts of this run's distribution (bands: 95% intervals): at the full "
              "length the model's error is {model}, one GD step's {gd} and least squares' on the same context {ls} — "
              "matching one GD step is not solving the task.",
        "ja": "このモデルの分布から新たに取った {contexts} 個の文脈の平均です（帯は 95% 区間）。最大の長さで、モデルの誤差は {model}、"
              "勾配降下法 1 ステップは {gd}、同じ文脈での最小二乗法は {ls} です。勾配降下法 1 ステップと一致することは、課題を解くことではありません。",
    },
    "gd.truth_clean": {"en": "The true rule has no error: these sequences carry no noise.",
                       "ja": "本当の規則の誤差はゼロです。これらの系列にはノイズがありません。"},
    "gd.truth_noise": {"en": "The true rule's error is the noise floor (noise σ = {sigma}): no predictor can go below it.",
                       "ja": "本当の規則の誤差はノイズの下限です（ノイズ σ = {sigma}）。どの予測もこれを下回れません。"},
    "gd.trajectory_title": {"en": "Next state: truth, model and GD step", "ja": "次の状態：本当・モデル・勾配降下法"},
    "gd.trajectory_caption": {
        "en": "Only the first two of the d = {d} coordinates are drawn; the grey dots are the context in order.",
        "ja": "d = {d} 個の座標のうち最初の 2 つだけを描いています。灰色の点は文脈を順に結んだものです。",
    },
    "gd.trajectory_caption_points": {
        "en": "Only the first two of the d = {d} coordinates are drawn. This run's rules are random orthogonal "
              "matrices that mix all coordinates, so in these two the context jumps about: its states are drawn as "
              "points, not joined in order.",
        "ja": "d = {d} 個の座標のうち最初の 2 つだけを描いています。このモデルの規則はすべての座標を混ぜるランダムな直交行列なので、"
              "この 2 つの座標では文脈があちこちに飛びます。そのため状態は順に結ばず、点だけで描いています。",
    },
    # Gauge view
    "gd.gauge": {"en": "The part that does not depend on how the weights are chosen",
                 "ja": "重みの取り方によらない部分"},
    "gd.gauge_title": {"en": "Effective step V_blk·(K_blkᵀQ_blk) and its best c·I",
                       "ja": "実効的なステップ V_blk·(K_blkᵀQ_blk) と最も近い c·I"},
    "gd.gauge.product": {"en": "V_blk·(K_blkᵀQ_blk)", "ja": "V_blk·(K_blkᵀQ_blk)"},
    "gd.gauge.fit": {"en": "best fit c·I (c = {c})", "ja": "最良の当てはめ c·I（c = {c}）"},
    "gd.gauge.c": {"en": "Effective step scale c", "ja": "実効ステップの倍率 c"},
    "gd.gauge.c_help": {"en": "The trace of the product divided by d.", "ja": "積のトレースを d で割った値。"},
    "gd.gauge.error": {"en": "Distance from c·I", "ja": "積と c·I の距離"},
    "gd.gauge.error_help": {
        "en": "‖product − c·I‖ / ‖product‖ (0 = exactly a scaled identity, i.e. exactly one GD step's preconditioner).",
        "ja": "‖積 − c·I‖ / ‖積‖（0 なら厳密にスカラー倍の単位行列で、勾配降下法 1 ステップそのもの）。",
    },
    "gd.gauge.text": {
        "en": "The value block V_blk and the key-query block K_blkᵀQ_blk are each, within every 2×2 rotation plane, "
              "a rotation with opposite angles — value: {v_angles}; key-query: {kq_angles} (degrees, plane by plane; "
              "the part of each that is not such a rotation: {v_res}% and {kq_res}%). The two rotations cancel, so "
              "their product is c·I: **one GD step seen through a symmetry of the commuting family** — equal to the "
              "model's own step c/(n+1)·Σ sₜ sₜ₋₁ᵀ in expected loss, not context by context (Γ = c·U G Uᵀ/(n+1) with "
              "U the per-plane rotation, which differs from c·G/(n+1) wherever G does not commute with U). The two "
              "numbers are in the verdict above.",
        "ja": "値ブロック V_blk とキー・クエリブロック K_blkᵀQ_blk は、どちらも各 2×2 回転平面の中で逆向きの角度の回転になっています"
              "（値：{v_angles}、キー・クエリ：{kq_angles}。単位は度、平面ごと。そのような回転から外れた部分はそれぞれ {v_res}% と"
              " {kq_res}%）。二つの回転は打ち消し合うので、積は c·I になります：**可換な W の族の対称性を通して見た勾配降下法 1 ステップ**です。"
              "モデル自身のステップ c/(n+1)·Σ sₜ sₜ₋₁ᵀ と期待損失は等しいものの、文脈ごとには一致しません（U を平面ごとの回転として "
              "Γ = c·U G Uᵀ/(n+1)。G が U と可換でないところでは c·G/(n+1) と異なります）。二つの数値は上の判定にあります。",
    },
    "gd.gauge.text_not": {
        "en": "Plane by plane, the value block V_blk turns by {v_angles} and the key-query block K_blkᵀQ_blk by "
              "{kq_angles} (degrees; the part of each that is not a rotation in the planes: {v_res}% and {kq_res}%); "
              "their product is {c}·I off by {error}%. Reading this as one GD step up to a symmetry of the commuting "
              "family needs opposite angles (sum within 0.05 rad ≈ 3°) and all three parts below 5%. That does not hold for this run, "
              "so its update is not one GD step in that sense — judge it by the prediction-level numbers above.",
        "ja": "平面ごとに、値ブロック V_blk は {v_angles}、キー・クエリブロック K_blkᵀQ_blk は {kq_angles} 回転します"
              "（単位は度。平面内の回転から外れた部分はそれぞれ {v_res}% と {kq_res}%）。積は {c}·I からのずれが {error}% です。"
              "これを「可換な W の族の対称性を除いた勾配降下法 1 ステップ」と読むには、角度が逆向き（和が 0.05 ラジアン ≈ 3° 以内）で、3 つの部分がすべて "
              "5% 未満である必要があります。このモデルではそれが成り立たないため、その意味での 1 ステップではありません。"
              "上の予測レベルの数値で判断してください。",
    },
    "gd.gauge_full": {
        "en": "This run has unconstrained weights (structure “full”), so there is no value/key/query block split to "
              "factor out. The same predictions can come from a different split between the sₙ and s_(n−1) blocks: "
              "judge it by the prediction-level numbers (prediction difference and cosine, sensitivities, errors).",
        "ja": "このモデルの重みには制約がなく（構造 “full”）、値・キー・クエリのブロックに分けて取り出すことはできません。"
              "同じ予測が sₙ と s_(n−1) のブロックの別の分け方からも生まれるので、予測レベルの数値（予測の差とコサイン、感度、誤差）で"
              "判断してください。",
    },
    "gd.how": {
        "en": "**Context.** A sequence s₀, s₁, … that follows one hidden rule sₜ₊₁ = W sₜ; the model sees s₀ … sₙ and "
              "predicts s_(n+1). **Model's update Γ.** The matrix the model actually applies to the current state sₙ "
              "— its estimate of W, read exactly from its weights. **One GD step W_GD.** Start from the guess W = 0 "
              "and take one step of gradient descent on the squared error of the context, Σₜ ‖sₜ − W s_(t−1)‖²: "
              "W_GD = η Σₜ sₜ s_(t−1)ᵀ, with the step size η that is best for this task at this context length. "
              "**One colour scale.** The three matrices share it: red positive, blue negative, white zero; hover a "
              "cell for its value. **Cosine.** 1 means two things point the same way. **Sensitivity.** How the "
              "prediction moves when the current token moves. **Error.** Squared distance to the true next state. "
              "**Gauge view.** The weights can be rotated in ways that change the blocks but not the predictions; "
              "the product shown is the part those rotations do not change.",
        "ja": "**文脈。** 一つの隠れた規則 sₜ₊₁ = W sₜ に従う系列 s₀, s₁, …。モデルは s₀ … sₙ を見て s_(n+1) を予測します。"
              "**モデルの更新 Γ。** モデルが現在の状態 sₙ に実際に掛ける行列で、W の推定にあたります（重みから厳密に読み出したもの）。"
              "**勾配降下法 1 ステップ W_GD。** W = 0 から出発し、文脈の二乗誤差 Σₜ ‖sₜ − W s_(t−1)‖² に対して勾配降下法を 1 回適用したもの："
              "W_GD = η Σₜ sₜ s_(t−1)ᵀ。η はこの課題・この文脈長で最良のステップ幅です。**共通の色尺度。** 3 つの行列は同じ色尺度です"
              "（赤が正、青が負、白がゼロ。セルにカーソルを合わせると値が出ます）。**コサイン類似度。** 1 なら二つが同じ向き。"
              "**感度。** 現在のトークンを動かしたときに予測がどう動くか。**誤差。** 本当の次の状態との二乗距離。"
              "**ゲージ不変な見方。** 重みには、ブロックは変わっても予測は変わらない回転の自由度があります。示した積はその回転で変わらない部分です。",
    },
}
