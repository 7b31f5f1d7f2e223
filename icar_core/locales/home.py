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
        "en": "With plain tokens and several heads, the heads' combined circuit C = Bᵀ A takes the paper's shape: a "
              "scaled identity c·I for unitary rules, 2×2 blocks c·(I + S) for real rotations. Only in the first case "
              "must the heads' own directions be orthogonal.",
        "ja": "通常のトークンと複数のヘッドでは、ヘッド全体の回路 C = Bᵀ A が論文の形になります。ユニタリな規則では単位行列のスカラー倍 c·I、"
              "実数の回転では 2×2 ブロック c·(I + S) です。ヘッド自身の方向が直交しなければならないのは前者の場合だけです。",
    },
    "home.finding3.title": {"en": "3 · Positions learn trigonometry", "ja": "3 · 位置が三角関数を学ぶ"},
    "home.finding3.text": {
        "en": "Diagonal heads read the rotation off the newest tokens: for real rotations their positional weights "
              "compute the recurrence s_{{n+1}} = 2cos θ·s_n − s_{{n−1}}; for unitary rules they keep the newest token "
              "alone. Positional weights trained alone get a smooth shape that changes with how fast the rule rotates; "
              "whether it is a cosine or just a gentle curve is tested.",
        "ja": "対角ヘッドは最新のトークンから回転を読み取ります。実数の回転では位置の重みが漸化式 s_{{n+1}} = 2cos θ·s_n − s_{{n−1}} を計算し、"
              "ユニタリな規則では最新のトークンだけを残します。"
              "位置の重みだけを学習させると、規則の回転の速さで変わる滑らかな形になります。それがコサインなのか単なる緩やかな曲線なのかを検定します。",
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
}
