"""UI strings of the Stress-test page: the stress curves, the estimate's spectrum and the interpolation."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.stress": {"en": "Stress test", "ja": "ストレステスト"},
    "stress.title": {"en": "Stress test: the model against simple predictors, out of distribution",
                     "ja": "ストレステスト：分布の外で、モデルを単純な予測法と比べる"},
    "stress.lead": {
        "en": "Change the process the run was trained on — noise, angle range μ, the size of the first state, the "
              "family of rules W, the basis — and see, at every context length, how the model's error compares with "
              "one step of gradient descent, ridge regression, least squares and simply repeating the last state.",
        "ja": "学習時の過程（ノイズ、角度の範囲 μ、最初の状態の大きさ、規則 W の族、基底）を変えて、文脈の長さごとに、モデルの誤差を"
              "勾配降下法 1 ステップ、リッジ回帰、最小二乗法、そして直前の状態をそのまま繰り返す予測と比べます。",
    },
    "stress.verdict_for": {"en": "Run “{run}” under this shift: {text}", "ja": "モデル「{run}」（この変化のもとで）：{text}"},
    "stress.controls": {"en": "Choose the shift", "ja": "変化を選ぶ"},
    "stress.noise": {"en": "Noise σ", "ja": "ノイズ σ"},
    "stress.noise_help": {
        "en": "Standard deviation of the Gaussian noise added at every step, s_(t+1) = W s_t + σ ε (the process's own "
              "noise, as in training). The run's own value is the starting value.",
        "ja": "各ステップで加えるガウスノイズの標準偏差（s_(t+1) = W s_t + σ ε、学習時と同じ過程のノイズ）。初期値はこのモデルの学習時の値です。",
    },
    "stress.mu": {"en": "Angle range μ (angles in [0, 2π/μ))", "ja": "角度の範囲 μ（角度は [0, 2π/μ)）"},
    "stress.mu_help": {
        "en": "Only the commuting family draws angles; larger μ means slower rotations. Ignored for Haar W.",
        "ja": "角度を抽選するのは可換な族だけです。μ が大きいほど回転は遅くなります。Haar の W では使いません。",
    },
    "stress.s0_scale": {"en": "Scale of s₀", "ja": "s₀ の大きさ（倍率）"},
    "stress.s0_scale_help": {
        "en": "Multiplies the first state before the sequence is rolled out (noise keeps its σ). Every state then has "
              "this length times the run's.",
        "ja": "系列を生成する前に最初の状態に掛ける倍率です（ノイズの σ は変わりません）。すべての状態の長さがこの倍率になります。",
    },
    "stress.family": {"en": "Family of rules W", "ja": "規則 W の族"},
    "stress.family.commuting": {"en": "commuting rotations", "ja": "可換な回転"},
    "stress.family.orthogonal": {"en": "Haar orthogonal", "ja": "Haar 直交行列"},
    "stress.basis_seed": {"en": "Basis change Q (seed; empty: none)", "ja": "基底の変更 Q（シード、空欄で変更なし）"},
    "stress.basis_help": {
        "en": "A random orthogonal Q drawn with this seed turns every sequence: W → Q W Qᵀ and s₀ → Q s₀.",
        "ja": "このシードで抽選したランダムな直交行列 Q で全系列を回します：W → Q W Qᵀ、s₀ → Q s₀。",
    },
    "stress.apply": {"en": "Run the stress test", "ja": "ストレステストを実行"},
    "stress.bad_shift": {"en": "This shift cannot be used: {reason}. Nothing was computed.",
                         "ja": "この変化は使えません：{reason}。何も計算していません。"},
    "stress.note.own": {"en": "No shift: these are the run's own contexts.",
                        "ja": "変化なし：このモデルの学習時と同じ分布の文脈です。"},
    "stress.note.no_mu": {"en": "μ does not apply here: Haar-orthogonal W draw no angles.",
                          "ja": "ここでは μ は使われません：Haar 直交行列の W は角度を抽選しません。"},
    "stress.note.basis": {"en": "Every sequence is turned by a random orthogonal Q (seed {seed}).",
                          "ja": "すべての系列をランダムな直交行列 Q（シード {seed}）で回しています。"},
    # Curves
    "stress.curves": {"en": "Error against context length", "ja": "文脈の長さと誤差"},
    "stress.curves_title": {"en": "Mean squared error of the next state ({contexts} contexts, 95% bands)",
                            "ja": "次の状態の平均二乗誤差（文脈 {contexts} 個、95% 区間）"},
    "stress.curves_y": {"en": "mean squared error (log scale)", "ja": "平均二乗誤差（対数目盛）"},
    "stress.series.model": {"en": "the model", "ja": "モデル"},
    "stress.series.gd": {"en": "one GD step (best η per length)", "ja": "勾配降下法 1 ステップ（長さごとに最良の η）"},
    "stress.series.ridge": {"en": "ridge (best λ per length)", "ja": "リッジ回帰（長さごとに最良の λ）"},
    "stress.series.ls": {"en": "least squares", "ja": "最小二乗法"},
    "stress.series.repeat": {"en": "repeat the last state", "ja": "直前の状態を繰り返す"},
    "stress.ratio_title": {"en": "The model's error over one GD step's (95% band)",
                           "ja": "モデルの誤差と勾配降下法 1 ステップの誤差の比（95% 区間）"},
    "stress.ratio_y": {"en": "model error / GD error (log scale)", "ja": "モデルの誤差 / 勾配降下法の誤差（対数目盛）"},
    "stress.ratio_band": {"en": "tracks one GD step: within ±{tolerance}%", "ja": "勾配降下法 1 ステップに追従：±{tolerance}% 以内"},
    "stress.curves_caption": {
        "en": "n = {contexts} contexts of the shifted process (seed {seed}); bands are 95% bootstrap intervals over "
              "contexts. The GD step size η_n and ridge's λ_n are chosen per context length on {fit} other contexts of "
              "the same shifted process (seed {fit_seed}): η_n by least squares, λ_n as the multiple ρ·(mean squared "
              "state length), ρ from {low} to {high} in factors of 10, with the smallest error there. Least squares is "
              "the minimum-norm fit while a context has fewer than d transitions. Errors below {floor} are drawn at "
              "{floor}.",
        "ja": "変化させた過程の文脈 n = {contexts} 個（シード {seed}）。帯は文脈についての 95% ブートストラップ区間です。勾配降下法の"
              "ステップ幅 η_n とリッジの λ_n は、同じ過程の別の文脈 {fit} 個（シード {fit_seed}）で文脈の長さごとに選びます。η_n は最小二乗で、"
              "λ_n は ρ·（状態の長さの二乗平均）の形で ρ を {low} から {high} まで 10 倍刻みで試し、誤差が最小のものです。遷移が d 個"
              "未満の文脈では、最小二乗法は最小ノルム解です。{floor} 未満の誤差は {floor} の位置に描いています。",
    },
    "stress.verdict.breaks": {
        "en": "It breaks at n = {worse}: there its error is more than {tolerance}% above one GD step's (whole 95% "
              "interval of the ratio, {contexts} contexts).",
        "ja": "n = {worse} で破綻します：そこでは誤差が勾配降下法 1 ステップより {tolerance}% 超大きくなります（比の 95% 区間全体、"
              "文脈 {contexts} 個）。",
    },
    "stress.verdict.holds": {
        "en": "At no length n = 1 … {last} is its error shown to be more than {tolerance}% above one GD step's (whole "
              "95% interval of the ratio, {contexts} contexts).",
        "ja": "n = 1 … {last} のどの長さでも、誤差が勾配降下法 1 ステップより {tolerance}% 超大きいとは示されません（比の 95% 区間全体、"
              "文脈 {contexts} 個）。",
    },
    "stress.verdict.unresolved": {
        "en": "At {contexts} contexts it is not resolved whether the model tracks one GD step at any length.",
        "ja": "文脈 {contexts} 個では、どの長さでもモデルが勾配降下法 1 ステップに追従するかどうか判定できません。",
    },
    "stress.verdict.tracks_at": {"en": "It tracks one GD step (within ±{tolerance}%) at n = {positions}.",
                                 "ja": "n = {positions} で勾配降下法 1 ステップに追従します（±{tolerance}% 以内）。"},
    "stress.verdict.better_at": {"en": "It beats one GD step by more than {tolerance}% at n = {positions}.",
                                 "ja": "n = {positions} で勾配降下法 1 ステップより {tolerance}% 超良い予測をします。"},
    "stress.verdict.unresolved_at": {"en": "Not resolved at n = {positions}.", "ja": "n = {positions} では判定できません。"},
    "stress.verdict.ls": {
        "en": "At n = {n}: the model's error {model}, one GD step's {gd}, least squares' {ls}; the model is {model_gap} "
              "above least squares and one GD step {gd_gap} above it (paired, per context).",
        "ja": "n = {n} で：モデルの誤差 {model}、勾配降下法 1 ステップ {gd}、最小二乗法 {ls}。最小二乗法との差は、モデルが {model_gap}、"
              "勾配降下法 1 ステップが {gd_gap} です（文脈ごとの対応のある差）。",
    },
    # Spectrum
    "spectrum.heading": {"en": "The estimate's spectrum", "ja": "推定の固有値"},
    "spectrum.lead": {
        "en": "The eigenvalues of the model's update (its estimate of W) in the complex plane, for one context as it "
              "grows, beside those of the true W — on the unit circle, since W is orthogonal — and of one GD step.",
        "ja": "モデルの更新（W の推定）の固有値を複素平面に描き、一つの文脈が長くなるにつれてどう動くかを、本当の W（直交行列なので"
              "単位円上）と勾配降下法 1 ステップの固有値と並べて示します。",
    },
    "spectrum.seed": {"en": "Context (seed)", "ja": "文脈（シード）"},
    "spectrum.seed_help": {"en": "Draws the one context shown, from the shifted process chosen above.",
                           "ja": "表示する一つの文脈を、上で選んだ過程から抽選します。"},
    "spectrum.title": {"en": "Eigenvalues as the context grows (one context)",
                       "ja": "文脈が長くなるときの固有値（一つの文脈）"},
    "spectrum.panel": {"en": "n = {n}: angle off by {angle}°, size ×{modulus}",
                       "ja": "n = {n}：角度のずれ {angle}°、大きさ ×{modulus}"},
    "spectrum.re": {"en": "real part", "ja": "実部"},
    "spectrum.im": {"en": "imaginary part", "ja": "虚部"},
    "spectrum.series.truth": {"en": "true W", "ja": "本当の W"},
    "spectrum.series.model": {"en": "model's update Γ", "ja": "モデルの更新 Γ"},
    "spectrum.series.jacobian": {"en": "model's Jacobian ∂ŝ/∂sₙ (local linearisation)",
                                 "ja": "モデルのヤコビ行列 ∂ŝ/∂sₙ（局所線形近似）"},
    "spectrum.series.gd": {"en": "one GD step", "ja": "勾配降下法 1 ステップ"},
    "spectrum.caption": {
        "en": "Each panel pairs every eigenvalue of W with one of the model's (closest angles) and gives the mean "
              "angle difference and the mean ratio of sizes |λ_model| / |λ_W| on this context.",
        "ja": "各パネルでは W の各固有値をモデルの固有値（角度が最も近いもの）と組にし、この文脈での角度の差の平均と大きさの比 "
              "|λ_model| / |λ_W| の平均を示します。",
    },
    "spectrum.verdict.angle": {
        "en": "Over {contexts} contexts at n = {n}, the model finds W's angles: median angle error {angle}° (whole "
              "{confidence}% interval within {angle_max}°).",
        "ja": "n = {n} の文脈 {contexts} 個で、モデルは W の角度を捉えています：角度の誤差の中央値 {angle}°（{confidence}% 区間全体が "
              "{angle_max}° 以内）。",
    },
    "spectrum.verdict.no_angle": {
        "en": "Over {contexts} contexts at n = {n}, the model does not find W's angles: median angle error {angle}° "
              "(whole {confidence}% interval above {angle_max}°).",
        "ja": "n = {n} の文脈 {contexts} 個で、モデルは W の角度を捉えていません：角度の誤差の中央値 {angle}°（{confidence}% 区間全体が "
              "{angle_max}° を超える）。",
    },
    "spectrum.verdict.angle_open": {
        "en": "Over {contexts} contexts at n = {n}, whether the model finds W's angles is not resolved: median angle "
              "error {angle}° (the {confidence}% interval straddles {angle_max}°).",
        "ja": "n = {n} の文脈 {contexts} 個では、モデルが W の角度を捉えているか判定できません：角度の誤差の中央値 {angle}°"
              "（{confidence}% 区間が {angle_max}° をまたぐ）。",
    },
    "spectrum.verdict.under": {"en": "It underestimates their size: median size ratio {modulus} (below 1 − {tolerance}%).",
                               "ja": "大きさは過小評価しています：大きさの比の中央値 {modulus}（1 − {tolerance}% 未満）。"},
    "spectrum.verdict.over": {"en": "It overestimates their size: median size ratio {modulus} (above 1 + {tolerance}%).",
                              "ja": "大きさは過大評価しています：大きさの比の中央値 {modulus}（1 + {tolerance}% 超）。"},
    "spectrum.verdict.size": {"en": "It gets their size right: median size ratio {modulus} (within ±{tolerance}%).",
                              "ja": "大きさも正しく捉えています：大きさの比の中央値 {modulus}（±{tolerance}% 以内）。"},
    "spectrum.verdict.size_open": {"en": "Whether it gets their size right is not resolved: median size ratio {modulus}.",
                                   "ja": "大きさが正しいかどうかは判定できません：大きさの比の中央値 {modulus}。"},
    "spectrum.verdict.cosines": {
        "en": "Eigenvalues do not show the eigenvectors (the planes an update turns): as matrices, the update has "
              "median cosine {model} with W, one GD step {gd}.",
        "ja": "固有値は固有ベクトル（更新が回す平面）を示しません：行列として見ると、W とのコサインの中央値は、更新が {model}、"
              "勾配降下法 1 ステップが {gd} です。",
    },
    "spectrum.verdict.jacobian": {
        "en": "This run's prediction is not linear in the current state, so its “update” is the Jacobian ∂ŝ_(n+1)/∂sₙ "
              "on each context: a local linearisation, not an exact estimate of W.",
        "ja": "このモデルの予測は現在の状態について線形ではないため、「更新」は各文脈でのヤコビ行列 ∂ŝ_(n+1)/∂sₙ です："
              "W の厳密な推定ではなく、局所的な線形近似です。",
    },
    "spectrum.verdict.previous": {
        "en": "Its prediction also reads s_(n−1), through a Jacobian block of median relative size {share}, so these "
              "eigenvalues are only part of what it computes.",
        "ja": "予測は s_(n−1) も読んでおり、そのヤコビ行列のブロックの相対的な大きさの中央値は {share} です。そのため、これらの"
              "固有値は計算の一部にすぎません。",
    },
    # Interpolation
    "interp.heading": {"en": "From the trained weights to one GD step", "ja": "学習済みの重みから勾配降下法 1 ステップへ"},
    "interp.lead": {
        "en": "Along the straight line (1 − α)·trained + α·(weights that are exactly one GD step), the loss and the "
              "model's agreement with the task's best GD step, on {contexts} contexts of the run's own process. The "
              "constructed weights give every head Q = K = (|c|/H)^(1/3)·I and V = sign(c)·(|c|/H)^(1/3)·I in the "
              "blocks the theory uses, so ŝ_(n+1) = c·c_n Σ s_t s_(t−1)ᵀ sₙ with the model's own normaliser c_n and "
              "c = {c} fitted to the truth.",
        "ja": "直線 (1 − α)·学習済み + α·（ちょうど勾配降下法 1 ステップになる重み）に沿って、損失と、課題に最良の勾配降下法 1 ステップ"
              "との一致度を、このモデルの学習時の過程の文脈 {contexts} 個で測ります。構成した重みでは、理論が使うブロックに、各ヘッドで "
              "Q = K = (|c|/H)^(1/3)·I、V = sign(c)·(|c|/H)^(1/3)·I を置きます。すると ŝ_(n+1) = c·c_n Σ s_t s_(t−1)ᵀ sₙ となり、"
              "c_n はモデル自身の正規化、c = {c} は真値に合わせて求めた値です。",
    },
    "interp.na": {
        "en": "The run “{run}” has no weights of its kind that are exactly one gradient step in closed form (only "
              "linear attention on augmented tokens has them), so there is no path to interpolate along.",
        "ja": "モデル「{run}」には、閉じた形でちょうど勾配降下法 1 ステップになる同じ種類の重みがありません（それがあるのは拡張トークン"
              "上の線形アテンションだけです）。そのため、補間する経路がありません。",
    },
    "interp.alpha": {"en": "α (0: trained, 1: one GD step)", "ja": "α（0：学習済み、1：勾配降下法 1 ステップ）"},
    "interp.loss_title": {"en": "Loss along the path ({contexts} contexts, 95% bands)",
                          "ja": "経路に沿った損失（文脈 {contexts} 個、95% 区間）"},
    "interp.loss_y": {"en": "mean squared error", "ja": "平均二乗誤差"},
    "interp.series.loss": {"en": "loss", "ja": "損失"},
    "interp.gd_reference": {"en": "best GD step: {gd}", "ja": "最良の勾配降下法 1 ステップ：{gd}"},
    "interp.agree_title": {"en": "Agreement with the best GD step (medians, 95% bands)",
                           "ja": "最良の勾配降下法 1 ステップとの一致（中央値、95% 区間）"},
    "interp.agree_y": {"en": "cosine", "ja": "コサイン類似度"},
    "interp.series.update_cosine": {"en": "update cosine", "ja": "更新のコサイン"},
    "interp.series.prediction_cosine": {"en": "prediction cosine", "ja": "予測のコサイン"},
    "interp.series.sensitivity_cosine": {"en": "sensitivity cosine", "ja": "感度のコサイン"},
    "interp.verdict.ends": {
        "en": "Loss of the trained weights {trained}, of the constructed GD step {constructed}; the task's best GD "
              "step (a step size per length) {gd}.",
        "ja": "損失は、学習済みの重みで {trained}、構成した勾配降下法 1 ステップで {constructed}、課題に最良の勾配降下法 1 ステップ"
              "（長さごとのステップ幅）で {gd} です。",
    },
    "interp.verdict.barrier": {
        "en": "Between them the loss rises to {peak} at α = {alpha}, above both ends: the two weight sets are "
              "different parametrisations (the blocks can trade rotations and scales without changing the product), "
              "not points of one valley.",
        "ja": "その間で損失は α = {alpha} で {peak} まで上がり、両端より高くなります：二つの重みは同じ谷の点ではなく、別のパラメータ化"
              "です（ブロック同士が積を変えずに回転や倍率をやり取りできます）。",
    },
    "interp.verdict.no_barrier": {"en": "No point of the path is worse than both ends (95% intervals).",
                                  "ja": "経路上に両端より悪い点はありません（95% 区間）。"},
    "stress.how": {
        "en": "**Curves.** Each line is the mean squared error of one predictor of s_(n+1) from s₀ … sₙ, over the "
              "contexts shown, with its 95% band. Least squares fits W to the context and, without noise, is exact "
              "once the context has d transitions; ridge shrinks that fit; one GD step is the paper's reference for "
              "augmented models; repeating the last state is what knowing nothing about W gives.\n\n"
              "**Ratio.** Where the model's band lies inside the grey zone it tracks one GD step; above it, it breaks.\n\n"
              "**Spectrum.** An estimate with the right angles but too small a size predicts the right direction of "
              "turning but too short a step. Without noise one GD step from zero is W_GD = η_n·W·H_n (H_n the sum "
              "of s_(t−1) s_(t−1)ᵀ over the context): it has W's angles where H_n is close to a multiple of the "
              "identity, and the size η_n gives it.\n\n"
              "**Interpolation.** Only for linear attention on augmented tokens, whose weights can be set to one GD "
              "step exactly; at α = 1 all three cosines are 1 by construction.",
        "ja": "**曲線。** 各線は、s₀ … sₙ から s_(n+1) を予測する一つの方法の平均二乗誤差で、表示した文脈についての 95% 区間を帯で"
              "示します。最小二乗法は文脈に W を当てはめ、ノイズがなければ遷移が d 個あれば厳密です。リッジはその当てはめを縮めます。"
              "勾配降下法 1 ステップは拡張トークンのモデルに対する論文の基準です。直前の状態を繰り返すのは、W について何も知らない場合の予測です。\n\n"
              "**比。** モデルの帯が灰色の帯の中にある長さでは勾配降下法 1 ステップに追従し、その上にある長さでは破綻しています。\n\n"
              "**固有値。** 角度が正しく大きさが小さすぎる推定は、回転の向きは正しく、進み方が短すぎる予測をします。ノイズがなければ、"
              "ゼロから始める勾配降下法 1 ステップは W_GD = η_n·W·H_n です（H_n は文脈全体での s_(t−1) s_(t−1)ᵀ の和）。H_n が"
              "単位行列の定数倍に近いところでは W の角度を持ち、大きさは η_n で決まります。\n\n"
              "**補間。** 重みをちょうど勾配降下法 1 ステップに設定できる、拡張トークン上の線形アテンションだけが対象です。α = 1 では"
              "構成上 3 つのコサインはすべて 1 です。",
    },
}
