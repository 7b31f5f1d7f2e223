"""UI strings of the home page and the three findings' live verdicts (used on their pages too)."""

STRINGS: dict[str, dict[str, str]] = {
    "home.title": {"en": "How a transformer learns a rule from its context", "ja": "トランスフォーマーは文脈からどのように規則を学ぶのか"},
    "home.lead": {
        "en": "Each sequence follows its own hidden rule: the next state is the current one turned by a matrix **W**. "
              "A one-layer transformer sees the sequence so far and must predict the next state, so it has to work out "
              "**W** from the context alone. icar opens the trained model and checks, number by number, how it does it.",
        "ja": "各系列はそれぞれ隠れた規則に従います。次の状態は、現在の状態を行列 **W** で回したものです。"
              "1 層のトランスフォーマーはそれまでの系列だけを見て次の状態を予測するため、文脈だけから **W** を推定しなければなりません。"
              "icar は学習済みモデルの中身を開き、その仕組みを数値で一つずつ確かめます。",
    },
    "home.picture_title": {"en": "One context: the states, the rule W and the model's prediction",
                           "ja": "一つの文脈：状態、規則 W、モデルの予測"},
    "home.picture_caption": {
        "en": "Run “{run}”: the first two coordinates of a sequence s₀ … s_{n} (grey dots joined in order), the true next "
              "state W s_{n} (green) and the model's prediction (orange). Prediction error: {error} (squared distance; the "
              "states here have length {length}).",
        "ja": "モデル「{run}」：系列 s₀ … s_{n} の最初の 2 座標（灰色の点を順に結んだもの）、本当の次の状態 W s_{n}（緑）、"
              "モデルの予測（オレンジ）。予測誤差：{error}（二乗距離。ここでの状態の長さは {length}）。",
    },
    "home.findings": {"en": "The paper's three findings, checked on the trained runs",
                      "ja": "論文の 3 つの発見を学習済みモデルで確認"},
    "home.finding1.title": {"en": "1 · The model runs one step of gradient descent",
                            "ja": "1 · モデルは勾配降下法を 1 ステップ実行している"},
    "home.finding1.text": {
        "en": "With tokens that pair each state with the previous one, the model's estimate of W is what one step of "
              "gradient descent on the context would give.",
        "ja": "各状態を直前の状態と組にしたトークンを与えると、モデルによる W の推定値は、文脈に対して勾配降下法を 1 ステップ適用した結果と一致します。",
    },
    "home.finding2.title": {"en": "2 · The heads split the work", "ja": "2 · ヘッドが仕事を分担する"},
    "home.finding2.text": {
        "en": "With plain tokens and several heads, the heads learn directions that do not overlap (orthogonal heads), "
              "and together they act like a scaled identity.",
        "ja": "通常のトークンと複数のヘッドでは、各ヘッドが重ならない方向（直交するヘッド）を学び、全体としてスカラー倍の単位行列のように働きます。",
    },
    "home.finding3.title": {"en": "3 · Positions learn trigonometry", "ja": "3 · 位置が三角関数を学ぶ"},
    "home.finding3.text": {
        "en": "When only the positional weights are trained, plain gradient descent gives them a smooth, cosine-like "
              "shape that changes with how fast the rule rotates; for fast rotations it is not a single cosine.",
        "ja": "位置の重みだけを学習させると、通常の勾配降下法によって重みは滑らかなコサインに似た形になり、その形は規則の回転の速さで変わります。"
              "回転が速い場合は一つのコサインでは表せません。",
    },
    "home.verdict_run": {"en": "Checked on run “{run}”:", "ja": "モデル「{run}」で確認："},
    "home.open_page": {"en": "Open the page", "ja": "ページを開く"},
    "home.no_run_for": {"en": "No shipped run of this kind is loaded.", "ja": "この種類のモデルが読み込まれていません。"},
    "home.how": {
        "en": "**The task.** A state sₜ (a short vector) moves by a rule sₜ₊₁ = W sₜ, and every sequence has its own W — "
              "here a rotation. **The model.** One layer of linear attention: every earlier state votes on the next one, "
              "weighted by how similar it is to the current state. **What is checked.** Each card's sentence is computed "
              "now from the run named in it; green means the run shows the finding, yellow that it does not (yet). "
              "The other pages show every number behind these sentences.",
        "ja": "**課題。** 状態 sₜ（短いベクトル）は規則 sₜ₊₁ = W sₜ に従って動き、系列ごとに W が異なります（ここでは回転）。"
              "**モデル。** 線形アテンション 1 層：過去の各状態が、現在の状態との類似度に応じた重みで次の状態に「投票」します。"
              "**確認していること。** 各カードの文は、そこに書かれたモデルから今計算したものです。緑はモデルがその発見を示していること、"
              "黄色は（まだ）示していないことを表します。各数値の詳細は他のページにあります。",
    },
    "chart.coordinate1": {"en": "coordinate 1", "ja": "座標 1"},
    "chart.coordinate2": {"en": "coordinate 2", "ja": "座標 2"},
    "chart.series.context": {"en": "context s₀ … sₙ", "ja": "文脈 s₀ … sₙ"},
    "chart.series.truth": {"en": "true next state", "ja": "本当の次の状態"},
    "chart.series.model": {"en": "model's prediction", "ja": "モデルの予測"},
    "chart.series.gd": {"en": "one GD step's prediction", "ja": "勾配降下法 1 ステップの予測"},
    # Live verdicts (filled with numbers from the selected run).
    "verdict.gd.good": {
        "en": "This model's next-state prediction matches one step of gradient descent: the two predictions point the "
              "same way (median cosine {cosine} over {contexts} fresh contexts) and the model's mean squared error is "
              "{ratio}× that of the best single GD step (at the last position, over {loss_contexts} contexts).",
        "ja": "このモデルの次状態の予測は勾配降下法 1 ステップと一致しています。新しい {contexts} 個の文脈で、二つの予測の向きはほぼ同じ"
              "（コサイン類似度の中央値 {cosine}）、モデルの平均二乗誤差は最良の勾配降下法 1 ステップの {ratio} 倍です（最後の位置、{loss_contexts} 個の文脈で計算）。",
    },
    "verdict.gd.better": {
        "en": "This model predicts like one step of gradient descent and a little better: the two predictions point "
              "the same way (median cosine {cosine} over {contexts} fresh contexts), and the model's mean squared error is "
              "only {ratio}× that of the best single GD step (at the last position, over {loss_contexts} contexts), because its free weights "
              "also use the previous state.",
        "ja": "このモデルは勾配降下法 1 ステップと同じように予測し、さらに少し上回っています。新しい {contexts} 個の文脈で二つの予測の向きは"
              "ほぼ同じ（コサイン類似度の中央値 {cosine}）で、モデルの平均二乗誤差は最良の勾配降下法 1 ステップの {ratio} 倍にとどまります（最後の位置、{loss_contexts} 個の文脈で計算）。"
              "制約のない重みが直前の状態も利用しているためです。",
    },
    "verdict.gd.bad": {
        "en": "This model does not (yet) behave like one step of gradient descent: median cosine between the two "
              "predictions {cosine} over {contexts} contexts, mean squared error {ratio}× that of the best single GD step "
              "(at the last position, over {loss_contexts} contexts).",
        "ja": "このモデルは（まだ）勾配降下法 1 ステップのようには振る舞っていません。{contexts} 個の文脈で、二つの予測のコサイン類似度の"
              "中央値は {cosine}、平均二乗誤差は最良の勾配降下法 1 ステップの {ratio} 倍です（最後の位置、{loss_contexts} 個の文脈で計算）。",
    },
    "verdict.heads.scaled_identity": {
        "en": "The heads split the work: together they form Bᵀ A = {c}·I (off by {error}% of its size), and the heads' "
              "directions barely overlap (mean |cosine| {score}; random directions would give {random}).",
        "ja": "ヘッドは仕事を分担しています。全体で Bᵀ A = {c}·I（ずれは大きさの {error}%）となり、各ヘッドの方向はほとんど重なりません"
              "（|コサイン| の平均 {score}。ランダムな方向なら {random}）。",
    },
    "verdict.heads.identity_overlapping": {
        "en": "Together the heads form Bᵀ A = {c}·I (off by {error}% of its size), but their directions overlap about "
              "as much as random ones (mean |cosine| {score}; random directions would give {random}).",
        "ja": "ヘッド全体では Bᵀ A = {c}·I（ずれは大きさの {error}%）ですが、各ヘッドの方向はランダムな方向と同程度に重なっています"
              "（|コサイン| の平均 {score}。ランダムな方向なら {random}）。",
    },
    "verdict.heads.rotation_blocks": {
        "en": "The heads combine into the paper's structure for real rotations: Bᵀ A = {c}·(I + S), 2×2 blocks of equal "
              "entries (off by {error}%); the raw head directions overlap (mean |cosine| {score}; random directions would give "
              "{random}), as the paper predicts for this case.",
        "ja": "ヘッドは実数の回転に対する論文の構造を作っています：Bᵀ A = {c}·(I + S)、等しい値の 2×2 ブロック（ずれ {error}%）。"
              "論文の予測どおり、この場合は個々のヘッドの方向は重なっています（|コサイン| の平均 {score}。ランダムな方向なら {random}）。",
    },
    "verdict.heads.no_structure": {
        "en": "Bᵀ A is not close to the paper's structure yet: the best fit ({c}) is off by {error}% (mean |cosine| "
              "between heads {score}; random directions would give {random}).",
        "ja": "Bᵀ A はまだ論文の構造に近くありません。最良の当てはめ（{c}）のずれは {error}% です（ヘッド間の |コサイン| の平均 {score}。ランダムな方向なら {random}）。",
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
    "verdict.positions.cosine": {
        "en": "The last row of the positional weights follows a cosine: R² = {r2}, frequency {omega} rad per position "
              "(one period ≈ {period} positions). The {window} positions span only {covered} of a period, so this is a "
              "smooth cosine-like shape rather than a full wave.",
        "ja": "位置の重みの最後の行はコサインに沿っています：R² = {r2}、周波数は 1 位置あたり {omega} ラジアン（1 周期 ≈ {period} 位置）。"
              "{window} 個の位置は 1 周期の約 {covered} しか含まないため、完全な波ではなく、コサインに似た滑らかな形です。",
    },
    "verdict.positions.flat": {
        "en": "The last row of the positional weights is flat (every entry is rounding noise next to the largest "
              "weight), so there is no shape to fit.",
        "ja": "位置の重みの最後の行は平らです（どの値も最大の重みに比べて丸め誤差程度）。当てはめる形がありません。",
    },
    "verdict.positions.not_cosine": {
        "en": "The last row of the positional weights is not well described by a single cosine (R² = {r2}), so no "
              "frequency is claimed.",
        "ja": "位置の重みの最後の行は一つのコサインではうまく表せません（R² = {r2}）。そのため周波数は示しません。",
    },
}
