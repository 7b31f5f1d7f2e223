"""UI strings of the findings registry: each finding's verdict sentences and why it does not apply."""

STRINGS: dict[str, dict[str, str]] = {
    "finding.na.gd": {
        "en": "its tokens are the plain states, so its prediction is not linear in the current state: its 'update' "
              "would only be a local linearisation (a Jacobian), not an estimate of W to set beside one gradient step. "
              "The comparison is made for runs with augmented tokens",
        "ja": "トークンが状態そのものなので、予測は現在の状態について線形ではありません。その「更新」は局所線形化（ヤコビアン）にすぎず、"
              "勾配降下法 1 ステップと比べる W の推定値ではありません。比較は拡張トークンのモデルで行います",
    },
    "finding.na.heads": {
        "en": "head orthogonality is measured on runs with plain tokens and at least two heads",
        "ja": "ヘッドの直交性は、通常のトークンで 2 つ以上のヘッドを持つモデルで測ります",
    },
    "finding.na.positions": {
        "en": "it has no learned positional matrix P",
        "ja": "学習された位置行列 P がありません",
    },
    # Finding 1 (numbers: value [95% interval]).
    "verdict.gd.good": {
        "en": "This model's prediction matches one step of gradient descent: the two predictions point the same way "
              "(median cosine {cosine} over {contexts} fresh contexts, 95% interval in brackets) and its mean squared "
              "error is {ratio}× that of the best single GD step (last position, {loss_contexts} contexts) — within "
              "{tolerance}% of 1 across the whole interval.",
        "ja": "このモデルの予測は勾配降下法 1 ステップと一致しています。二つの予測の向きはほぼ同じで（新しい {contexts} 個の文脈でのコサイン類似度の"
              "中央値 {cosine}、括弧内は 95% 区間）、平均二乗誤差は最良の勾配降下法 1 ステップの {ratio} 倍です（最後の位置、{loss_contexts} 個の文脈）。"
              "区間全体が 1 から {tolerance}% 以内です。",
    },
    "verdict.gd.better": {
        "en": "This model predicts like one step of gradient descent and better: the predictions point the same way "
              "(median cosine {cosine} over {contexts} fresh contexts) and its mean squared error is only {ratio}× that "
              "of the best single GD step (last position, {loss_contexts} contexts) — below 1 − {tolerance}% across the "
              "whole interval, so it is more than one plain GD step.",
        "ja": "このモデルは勾配降下法 1 ステップのように予測し、さらに上回っています。予測の向きは同じで（新しい {contexts} 個の文脈でのコサイン類似度の"
              "中央値 {cosine}）、平均二乗誤差は最良の勾配降下法 1 ステップの {ratio} 倍にとどまります（最後の位置、{loss_contexts} 個の文脈）。"
              "区間全体が 1 − {tolerance}% を下回るので、単純な 1 ステップ以上のことをしています。",
    },
    "verdict.gd.bad": {
        "en": "This model does not (yet) behave like one step of gradient descent: median cosine between the two "
              "predictions {cosine} over {contexts} contexts, mean squared error {ratio}× that of the best single GD step "
              "(last position, {loss_contexts} contexts).",
        "ja": "このモデルは（まだ）勾配降下法 1 ステップのようには振る舞っていません。{contexts} 個の文脈での二つの予測のコサイン類似度の中央値は "
              "{cosine}、平均二乗誤差は最良の勾配降下法 1 ステップの {ratio} 倍です（最後の位置、{loss_contexts} 個の文脈）。",
    },
    "verdict.gd.unresolved": {
        "en": "Whether this model is one step of gradient descent is not resolved at this number of contexts: the "
              "interval of its median prediction cosine with the GD step ({cosine} over {contexts} contexts) does not "
              "lie wholly above the threshold, or that of its loss ratio to the best GD step ({ratio} over "
              "{loss_contexts} contexts) straddles 1 ± {tolerance}%.",
        "ja": "このモデルが勾配降下法 1 ステップかどうかは、この文脈数では決着していません。勾配降下法との予測のコサイン類似度の中央値"
              "（{contexts} 個の文脈で {cosine}）の区間がしきい値を完全には上回らないか、最良の勾配降下法 1 ステップとの損失比"
              "（{loss_contexts} 個の文脈で {ratio}）の区間が 1 ± {tolerance}% をまたいでいます。",
    },
    "verdict.gd.exact": {
        "en": "On this task one gradient-descent step with the best step size is already exact (its error is 0), so "
              "no loss ratio to it means anything.",
        "ja": "この課題では、最良のステップ幅の勾配降下法 1 ステップがすでに厳密です（誤差 0）。そのため、それとの損失比には意味がありません。",
    },
    "verdict.gd.linearised": {
        "en": "This model is not linear in the current state (LayerNorm), so its update is the Jacobian of its "
              "prediction with respect to sₙ: a local linearisation, not an exact estimate of W.",
        "ja": "このモデルは現在の状態について線形ではない（LayerNorm）ため、その更新は sₙ に関する予測のヤコビアン、"
              "つまり局所線形化であり、W の厳密な推定値ではありません。",
    },
    "verdict.gd.scale": {
        "en": "For scale: mean squared error of the model {model}, of the GD step {gd}, of least squares on the same "
              "context {ls}, and of predicting 0 {zero}. One GD step does not solve the task: its estimate of W is "
              "{W_error} of W's size away from W (median relative error).",
        "ja": "目安として、平均二乗誤差はモデル {model}、勾配降下法 1 ステップ {gd}、同じ文脈での最小二乗法 {ls}、0 を予測した場合 {zero} です。"
              "勾配降下法 1 ステップは課題を解いてはいません。その W の推定値は W から W の大きさの {W_error} 倍離れています（相対誤差の中央値）。",
    },
    "verdict.gd.own_step": {
        "en": "Its weights are one GD step seen through a symmetry of the commuting family — equal in expected loss, not "
              "context by context: against its own step c·c_n·Σ sₜ sₜ₋₁ᵀ (c_n its normalisation, 1/(n+1) for the mean) its loss ratio is {ratio}, while its update "
              "differs from that step by {gap} of its size in the median context ({p90} at the 90th percentile).",
        "ja": "重みは可換な族の対称性を通して見た勾配降下法 1 ステップです。期待損失は等しいものの、文脈ごとには一致しません。自身のステップ "
              "c·c_n·Σ sₜ sₜ₋₁ᵀ（c_n は正規化、平均なら 1/(n+1)）との損失比は {ratio} ですが、更新はそのステップから中央値の文脈で大きさの {gap}（90 パーセンタイルで {p90}）だけ異なります。",
    },
    # Finding 2.
    "verdict.heads.scaled_identity": {
        "en": "Together the heads form the paper's unitary structure: Bᵀ A = {c}·I (off by {error}% of its size).",
        "ja": "ヘッド全体で論文のユニタリの構造を作っています：Bᵀ A = {c}·I（ずれは大きさの {error}%）。",
    },
    "verdict.heads.rotation_blocks": {
        "en": "Together the heads form the paper's structure for real rotations: Bᵀ A = {c}·(I + S), 2×2 blocks of "
              "equal entries (off by {error}%), not c·I.",
        "ja": "ヘッド全体で実数の回転に対する論文の構造を作っています：Bᵀ A = {c}·(I + S)、等しい値の 2×2 ブロック（ずれ {error}%）で、c·I ではありません。",
    },
    "verdict.heads.no_structure": {
        "en": "Bᵀ A is not close to the paper's structure yet: the best fit ({c}) is off by {error}%.",
        "ja": "Bᵀ A はまだ論文の構造に近くありません。最良の当てはめ（{c}）のずれは {error}% です。",
    },
    "verdict.heads.overlap_orthogonal": {
        "en": "The heads' directions barely overlap (mean |cosine| {score}; random directions would give {random}), and "
              "they stay so under every rotation of the heads tried ({low}–{high}), which changes no prediction: here "
              "orthogonal heads are a property of the solution.",
        "ja": "各ヘッドの方向はほとんど重なりません（|コサイン| の平均 {score}。ランダムな方向なら {random}）。予測を変えないヘッドの回転を"
              "いくつ試してもそのままです（{low}–{high}）。ここでは直交するヘッドは解そのものの性質です。",
    },
    "verdict.heads.overlap_not_fixed": {
        "en": "The heads' overlap is not fixed by the solution: rotating the heads (A → QA, B → QB) changes no "
              "prediction but moves their mean |cosine| between {low} and {high} (now {score}; random directions give "
              "{random}), because A·Aᵀ is {gram}% away from a multiple of I. The structure lives in Bᵀ A.",
        "ja": "ヘッドの重なりは解によって決まりません。ヘッドを回転させても（A → QA, B → QB）予測は変わりませんが、|コサイン| の平均は {low} から "
              "{high} の間で動きます（現在 {score}。ランダムな方向なら {random}）。A·Aᵀ が I のスカラー倍から {gram}% 離れているためです。"
              "構造は Bᵀ A にあります。",
    },
    "verdict.heads.overlap_random": {
        "en": "The heads' directions overlap about as much as random ones (mean |cosine| {score}; random directions give "
              "{random}), and this number is not a property of the solution: rotating the heads (A → QA, B → QB) changes "
              "no prediction but moves it between {low} and {high}, since A·Aᵀ is {gram}% away from a multiple of I. "
              "The structure lives in Bᵀ A, not in the heads' directions.",
        "ja": "各ヘッドの方向はランダムな方向と同程度に重なっています（|コサイン| の平均 {score}。ランダムな方向なら {random}）。この値は解の性質では"
              "ありません。ヘッドを回転させても（A → QA, B → QB）予測は変わりませんが、値は {low} から {high} の間で動きます。A·Aᵀ が I の"
              "スカラー倍から {gram}% 離れているためです。構造はヘッドの方向ではなく Bᵀ A にあります。",
    },
    "verdict.heads.full_good": {
        "en": "The heads' circuits point in clearly different directions: mean |cosine| {score}, against {random} for "
              "random directions.",
        "ja": "各ヘッドの回路ははっきり異なる方向を向いています（|コサイン| の平均 {score}。ランダムな方向なら {random}）。",
    },
    "verdict.heads.full_bad": {
        "en": "The heads' circuits overlap about as much as random directions or more (mean |cosine| {score}; random "
              "directions would give {random}): this run's heads are not orthogonal.",
        "ja": "各ヘッドの回路はランダムな方向と同程度以上に重なっています（|コサイン| の平均 {score}。ランダムな方向なら {random}）。"
              "このモデルのヘッドは直交していません。",
    },
    # Finding 3.
    "verdict.positions.chebyshev": {
        "en": "The positional weights compute the trigonometric recurrence of a rotation: on the newest two tokens "
              "c·P = ({newest}, {previous}), so s_{{n+1}} = 2cos θ·s_n − s_{{n−1}} (the Chebyshev recurrence, cos θ read "
              "from s_{{n−1}}·s_n); older tokens get at most {rest}% of that weight.",
        "ja": "位置の重みは回転の三角関数の漸化式を計算しています。最新の 2 つのトークンで c·P = ({newest}, {previous}) なので "
              "s_{{n+1}} = 2cos θ·s_n − s_{{n−1}}（チェビシェフの漸化式。cos θ は s_{{n−1}}·s_n から読み取る）。それより古いトークンの重みは最大でもその {rest}% です。",
    },
    "verdict.positions.newest": {
        "en": "The positional weights keep only the newest token: c·p_last = {newest} (and {previous} on the one before), "
              "so the model applies W to s_n exactly; older tokens get at most {rest}% of that weight.",
        "ja": "位置の重みは最新のトークンだけを残しています：c·p_last = {newest}（一つ前は {previous}）。モデルは W を s_n に正確に適用します。"
              "それより古いトークンの重みは最大でもその {rest}% です。",
    },
    "verdict.positions.cosine": {
        "en": "The last row of the positional weights is a cosine rather than a gentle curve: R² = {r2}, and its "
              "held-out error ({folds}-fold) {cosine_cv} is below half that of a cubic ({cubic_cv}) and of a parabola "
              "({quadratic_cv}). Its frequency is {omega} rad per position; the {window} positions span {covered} of a "
              "period, so this is part of a wave, not a full one.",
        "ja": "位置の重みの最後の行は、緩やかな曲線ではなくコサインです：R² = {r2}。検証誤差（{folds} 分割）{cosine_cv} は 3 次式（{cubic_cv}）と"
              "2 次式（{quadratic_cv}）の半分未満です。周波数は 1 位置あたり {omega} ラジアン。{window} 個の位置は 1 周期の {covered} を含むだけなので、"
              "完全な波ではなく波の一部です。",
    },
    "verdict.positions.like_cubic": {
        "en": "The last row of the positional weights fits a cosine (R² = {r2}), but it is indistinguishable from a "
              "cubic: held-out error ({folds}-fold) {cosine_cv} for the cosine, {cubic_cv} for a cubic with as many "
              "parameters, {quadratic_cv} for a parabola. The {window} positions span {covered} of the fitted period, "
              "so no frequency is claimed.",
        "ja": "位置の重みの最後の行はコサインに当てはまりますが（R² = {r2}）、3 次式と区別できません。検証誤差（{folds} 分割）はコサイン {cosine_cv}、"
              "同じパラメータ数の 3 次式 {cubic_cv}、2 次式 {quadratic_cv} です。{window} 個の位置は当てはめた周期の {covered} しか含まないため、"
              "周波数は示しません。",
    },
    "verdict.positions.bound": {
        "en": "The last row of the positional weights has no measurable frequency: the best cosine's frequency is the "
              "lowest the fit allows (the data want a slower drift), R² = {r2}; held-out error {cosine_cv} for the cosine "
              "against {cubic_cv} for a cubic. No frequency is claimed.",
        "ja": "位置の重みの最後の行には測定できる周波数がありません。最良のコサインの周波数は当てはめで許される最低値です（データはより遅い変化を"
              "求めています）。R² = {r2}、検証誤差はコサイン {cosine_cv}、3 次式 {cubic_cv}。周波数は示しません。",
    },
    "verdict.positions.flat": {
        "en": "The last row of the positional weights is flat (every entry on an earlier token, at most {max}, is "
              "rounding noise next to the largest weight), so there is no shape to fit.",
        "ja": "位置の重みの最後の行は平らです（以前のトークンへの値は最大 {max} で、最大の重みに比べて丸め誤差程度）。当てはめる形がありません。",
    },
    "verdict.positions.not_cosine": {
        "en": "The last row of the positional weights is not well described by a single cosine (R² = {r2}; held-out "
              "error {cosine_cv} against {cubic_cv} for a cubic), so no frequency is claimed.",
        "ja": "位置の重みの最後の行は一つのコサインではうまく表せません（R² = {r2}。検証誤差 {cosine_cv}、3 次式は {cubic_cv}）。"
              "そのため周波数は示しません。",
    },
}
