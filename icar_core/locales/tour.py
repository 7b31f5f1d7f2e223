"""UI strings of the tour area: a presenter's five-step walk through the paper."""

STRINGS: dict[str, dict[str, str]] = {
    "tour.title": {"en": "The idea in five steps", "ja": "5 つのステップで見る論文の考え方"},
    "tour.lead": {
        "en": "A walk through the paper for an audience new to it: one picture and two sentences per step, each computed "
              "now from a trained run. Use **Next** (or the → key) and **Back** to move between the steps.",
        "ja": "初めての方向けに論文の考え方を順にたどります。各ステップは図 1 枚と 2 文だけで、どれも学習済みモデルから"
              "いま計算したものです。**次へ**（または → キー）と **戻る** でステップを移動します。",
    },
    "tour.back": {"en": "Back", "ja": "戻る"},
    "tour.next": {"en": "Next", "ja": "次へ"},
    "tour.indicator": {"en": "{current} / {total}", "ja": "{current} / {total}"},
    "tour.from_run": {"en": "Computed from the trained run “{run}”.", "ja": "学習済みモデル「{run}」から計算しています。"},
    "tour.header_run": {
        "en": "This step is computed from the trained run “{run}”.",
        "ja": "このステップは学習済みモデル「{run}」から計算しています。",
    },
    "tour.no_run": {
        "en": "No loaded run can show this step (it needs {needs}). Load or train such a run and it will appear here.",
        "ja": "このステップを表示できるモデルが読み込まれていません（{needs}が必要です）。そのようなモデルを読み込むか学習すると、"
              "ここに表示されます。",
    },
    "tour.needs.gd": {"en": "a run with augmented tokens", "ja": "拡張トークンのモデル"},
    "tour.needs.heads": {"en": "a run with several attention heads", "ja": "複数のアテンションヘッドを持つモデル"},
    "tour.needs.positions": {"en": "a run with learned positional weights", "ja": "位置の重みを学習したモデル"},
    # Step 1: the task
    "tour.task.title": {"en": "1 · The task: each sequence follows a hidden rotation",
                        "ja": "1 · 課題：各系列は隠れた回転に従う"},
    "tour.task.s1": {
        "en": "Each sequence is a chain of points in which every point is the previous one turned by the same hidden "
              "rule, a rotation we call W — and every sequence has its own W.",
        "ja": "各系列は点の並びで、どの点も直前の点を同じ隠れた規則（W と呼ぶ回転）で回したものです。しかも W は系列ごとに"
              "異なります。",
    },
    "tour.task.s2": {
        "en": "In this picture each step turns the point by about {angle}°, and the green point is where the rule takes "
              "it next: that is the point the model must predict.",
        "ja": "この図では、1 ステップごとに点がおよそ {angle}° 回っています。緑の点が規則による次の位置で、モデルが予測しなければ"
              "ならないのはこの点です。",
    },
    "tour.task.chart": {"en": "A sequence and where its hidden rule takes it next",
                        "ja": "一つの系列と、隠れた規則による次の位置"},
    "tour.task.metric": {"en": "Turn per step", "ja": "1 ステップの回転"},
    "tour.task.metric_help": {
        "en": "The mean angle between consecutive points in the picture (their first two coordinates).",
        "ja": "図の中で隣り合う点どうしがなす角度の平均（最初の 2 つの座標で測ったもの）。",
    },
    # Step 2: the estimate
    "tour.estimate.title": {"en": "2 · The model works out the rule from the sequence itself",
                            "ja": "2 · モデルは系列そのものから規則を読み取る"},
    "tour.estimate.s1": {
        "en": "The model has never seen this sequence's rule: it only reads the points so far (the “context”) and from "
              "them guesses the next point (orange).",
        "ja": "モデルはこの系列の規則を一度も見ていません。それまでの点（「文脈」）だけを読み、そこから次の点を推測します"
              "（オレンジ）。",
    },
    "tour.estimate.s2": {
        "en": "Here its guess misses the true next point (green) by {error}% of the point's length, where simply "
              "repeating the last point would miss by {baseline}%.",
        "ja": "ここでは、推測と本当の次の点（緑）とのずれは点の長さの {error}% です。最後の点をそのまま繰り返すだけなら、"
              "ずれは {baseline}% になります。",
    },
    "tour.estimate.chart": {"en": "The model's guess next to the true next point",
                            "ja": "モデルの推測と本当の次の点"},
    "tour.estimate.metric": {"en": "Miss of the guess", "ja": "推測のずれ"},
    "tour.estimate.delta": {"en": "no-change guess: {baseline}%", "ja": "変化なしの推測：{baseline}%"},
    "tour.estimate.metric_help": {
        "en": "On this sequence: the distance between the model's guess and the true next point, in % of the point's "
              "length. Below it, the same for the guess that the point does not move at all.",
        "ja": "この系列で、モデルの推測と本当の次の点との距離を、点の長さに対する % で表したもの。下は、点がまったく動かないと"
              "推測した場合の同じ値です。",
    },
    # Step 3: one gradient step
    "tour.gd.title": {"en": "3 · Its guess is one step of gradient descent",
                      "ja": "3 · その推測は勾配降下法の 1 ステップ"},
    "tour.gd.s1": {
        "en": "Gradient descent is the standard way to fit a rule to examples: start from a blank guess and correct it "
              "once in the direction that most reduces the mistakes on the context. The paper finds that the model's "
              "estimate of W (left) is one such correction (middle); the number below says how close this run comes.",
        "ja": "勾配降下法は、規則を例に合わせる標準的な方法です。白紙の推測から始め、文脈での誤りが最も減る方向に 1 回だけ修正します。"
              "論文によれば、モデルによる W の推定（左）はその 1 回の修正（中央）にあたります。このモデルがどれだけ近いかは下の数値で示します。",
    },
    "tour.gd.s2": {
        "en": "Over {contexts} new sequences, the model's predictions point almost the same way as one gradient step's: "
              "median cosine {cosine}, an angle of about {angle}° between them (cosine 1 = 0° = the same direction).",
        "ja": "新しい {contexts} 個の系列で、モデルの予測は勾配降下法 1 ステップの予測とほぼ同じ向きを指しています。コサインの中央値は "
              "{cosine}、二つの間の角度はおよそ {angle}° です（コサイン 1 = 0° で完全に同じ向き）。",
    },
    "tour.gd.s2_not": {
        "en": "Over {contexts} new sequences, the model's predictions do not yet point the same way as one gradient "
              "step's: median cosine {cosine}, an angle of about {angle}° between them (cosine 1 = 0° = the same "
              "direction).",
        "ja": "新しい {contexts} 個の系列で、モデルの予測はまだ勾配降下法 1 ステップの予測と同じ向きを指していません。コサインの"
              "中央値は {cosine}、二つの間の角度はおよそ {angle}° です（コサイン 1 = 0° で完全に同じ向き）。",
    },
    "tour.gd.chart": {"en": "Three versions of the rule W for this sequence", "ja": "この系列に対する規則 W の 3 つの姿"},
    "tour.gd.metric": {"en": "Cosine with one GD step", "ja": "勾配降下法とのコサイン"},
    "tour.gd.delta": {"en": "≈ {angle}° apart; 95% interval {cosine}", "ja": "角度 ≈ {angle}°・95% 区間 {cosine}"},
    "tour.gd.metric_help": {
        "en": "Median, over {contexts} new sequences, of the cosine between the model's prediction and the prediction "
              "of one gradient-descent (GD) step: 1 = the same direction.",
        "ja": "新しい {contexts} 個の系列での、モデルの予測と勾配降下法 1 ステップの予測とのコサインの中央値。1 なら同じ向きです。",
    },
    "tour.panel.model": {"en": "the model's estimate", "ja": "モデルの推定"},
    "tour.panel.gd": {"en": "one gradient step", "ja": "勾配降下法 1 ステップ"},
    "tour.panel.truth": {"en": "the true rule W", "ja": "本当の規則 W"},
    "tour.axis.input": {"en": "input coordinate", "ja": "入力の座標"},
    "tour.axis.output": {"en": "output coordinate", "ja": "出力の座標"},
    "tour.axis.value": {"en": "value", "ja": "値"},
    # Step 4: heads
    "tour.heads.title": {"en": "4 · The heads split the work", "ja": "4 · ヘッドが仕事を分担する"},
    "tour.heads.s1": {
        "en": "A layer can have several “heads”, parallel parts that each look at the context in their own way. For "
              "unitary rules the paper finds that after training each head takes its own direction, so they do not "
              "repeat each other's work; for real rotations the structure is in the heads' sum instead.",
        "ja": "層には複数の「ヘッド」を持たせられます。ヘッドは文脈をそれぞれ独自の見方で読む並列の部品です。ユニタリな規則では、"
              "学習後に各ヘッドが自分の方向を受け持ち、互いの仕事を繰り返さないことを論文は示しています。実数の回転では、構造はヘッドの和の側にあります。",
    },
    "tour.heads.s2": {
        "en": "Across this run's {heads} heads, two heads point the same way by {score} on average (mean |cosine| over "
              "every pair of heads, for both parts of a head: {circuits}; 0 = completely separate directions, 1 = the "
              "same direction).",
        "ja": "このモデルの {heads} 個のヘッドでは、2 つのヘッドの向きの重なりは平均で {score} です。これはヘッドのすべての組に"
              "ついての |コサイン| の平均を、ヘッドの 2 つの部分 {circuits} でさらに平均したもので、0 は完全に別々の方向、"
              "1 は同じ方向を表します。",
    },
    "tour.heads.chart": {"en": "How much each pair of heads points the same way",
                         "ja": "ヘッドの各組がどれだけ同じ方向を向いているか"},
    "tour.heads.and": {"en": " and ", "ja": "と"},
    "tour.circuit.A": {"en": "what a head compares (A)", "ja": "ヘッドが比べるもの（A）"},
    "tour.circuit.B": {"en": "what a head writes (B)", "ja": "ヘッドが書き込むもの（B）"},
    "tour.circuit.W_QK": {"en": "where a head looks (W_QK)", "ja": "ヘッドが見る場所（W_QK）"},
    "tour.circuit.W_OV": {"en": "what a head copies (W_OV)", "ja": "ヘッドが写すもの（W_OV）"},
    "tour.heads.metric": {"en": "Overlap between heads", "ja": "ヘッド間の重なり"},
    "tour.heads.delta": {"en": "0 = separate, 1 = the same", "ja": "0 は別々、1 は同じ"},
    "tour.heads.metric_help": {
        "en": "Mean |cosine| over every pair of heads, averaged over both parts of a head.",
        "ja": "ヘッドのすべての組についての |コサイン| の平均を、ヘッドの 2 つの部分でさらに平均したもの。",
    },
    "tour.axis.head": {"en": "head", "ja": "ヘッド"},
    "tour.axis.overlap": {"en": "overlap (cosine)", "ja": "重なり（コサイン）"},
    # Step 5: positions
    "tour.positions.title": {"en": "5 · Positions learn trigonometry", "ja": "5 · 位置が三角関数を学ぶ"},
    "tour.positions.s1": {
        "en": "The model also learns how much weight to give each earlier position in the sequence. Trained alone, these "
              "weights take a smooth shape; the test is whether it is a cosine — the wave of a rotation — or just a "
              "gentle curve.",
        "ja": "モデルは系列の過去の各位置にどれだけ重みを置くかも学びます。位置の重みだけを学習させると滑らかな形になります。"
              "それが回転を表す波であるコサインなのか、単なる緩やかな曲線なのかを検定します。",
    },
    "tour.positions.s2": {
        "en": "In this run a single cosine explains {r2}% of the shape of the weights; the {window} positions span only "
              "{covered} of its period, so this is part of a wave, not a full one.",
        "ja": "このモデルでは、一つのコサインが重みの形の {r2}% を説明します。{window} 個の位置はその周期の {covered} しか含まないため、"
              "完全な波ではなく波の一部です。",
    },
    "tour.positions.s2_cubic": {
        "en": "In this run a single cosine explains {r2}% of the shape of the weights, but a cubic curve with as many "
              "numbers predicts left-out positions as well: over {window} positions, a gentle curve and part of a "
              "wave cannot be told apart.",
        "ja": "このモデルでは、一つのコサインが重みの形の {r2}% を説明しますが、同じ数のパラメータを持つ 3 次曲線も除外した位置を同じくらいよく予測します。"
              "{window} 個の位置では、緩やかな曲線と波の一部を区別できません。",
    },
    "tour.positions.s2_not": {
        "en": "In this run a single cosine wave explains only {r2}% of the shape of the weights, so here the wave is not "
              "(yet) clearly there.",
        "ja": "このモデルでは、一つのコサイン波で説明できるのは重みの形の {r2}% だけで、ここでは波は（まだ）はっきり表れていません。",
    },
    "tour.positions.s2_flat": {
        "en": "In this run the weights on earlier positions are all zero up to rounding: the newest token carries "
              "all the weight, so there is no wave to measure.",
        "ja": "このモデルでは、過去の位置への重みは丸め誤差を除いてすべてゼロです。最新のトークンがすべての重みを担っており、測るべき波は"
              "ありません。",
    },
    "tour.positions.chart": {"en": "Weight given to each earlier position", "ja": "過去の各位置に与える重み"},
    "tour.positions.metric": {"en": "Explained by a cosine", "ja": "コサインで説明できる形"},
    "tour.positions.delta": {"en": "100% = all of the shape", "ja": "100% で形のすべて"},
    "tour.positions.value_flat": {"en": "none (flat)", "ja": "なし（平坦）"},
    "tour.positions.metric_help": {
        "en": "R²: the share of the shape of the weights that the best single cosine wave explains.",
        "ja": "R²：最もよく合う一つのコサイン波で説明できる、重みの形の割合。",
    },
    "tour.axis.position": {"en": "earlier position", "ja": "過去の位置"},
    "tour.axis.weight": {"en": "weight", "ja": "重み"},
    "tour.series.learned": {"en": "learned weights", "ja": "学習した重み"},
    "tour.series.cosine": {"en": "best cosine wave", "ja": "最もよく合うコサイン波"},
    "tour.how": {
        "en": "**Point / state.** A short list of numbers; the charts show its first two. **Rule W / rotation.** W turns "
              "every point by the same angles, keeping its length. **Context.** The points the model has seen so far. "
              "**Gradient descent.** Fitting a rule by repeatedly nudging it to reduce its mistakes; here a single nudge "
              "from a blank start. **Head.** One of several parallel parts of the attention layer. **Overlap (cosine).** "
              "How much two directions agree: 1 the same, 0 unrelated, −1 opposite. **Cosine wave / R².** R² is the share "
              "of a shape that a fitted curve explains (100% = all of it). **Cosine and angle in step 3.** The cosine "
              "of the angle between the two predictions: 1 is 0°, 0.99 is about 8°, 0.9 already about 26°. Every number is computed now from the run named under the "
              "chart; the other pages show the details.",
        "ja": "**点・状態。** 数の短い並び（ベクトル）で、図にはその最初の 2 つを描いています。**規則 W・回転。** W はどの点も同じ"
              "角度だけ回し、長さは変えません。**文脈。** モデルがそれまでに見た点です。**勾配降下法。** 誤りが減るように規則を少しずつ"
              "直して合わせる方法で、ここでは白紙から 1 回だけ直したものです。**ヘッド。** アテンション層の並列の部品の一つです。"
              "**重なり（コサイン）。** 2 つの方向がどれだけ一致するか：1 は同じ、0 は無関係、−1 は逆向き。**コサイン波・R²。** R² は"
              "当てはめた曲線で説明できる形の割合です（100% ですべて）。**ステップ 3 のコサインと角度。** 二つの予測の間の角度のコサインです。"
              "1 は 0°、0.99 はおよそ 8°、0.9 ではすでにおよそ 26° です。どの数値も図の下に書かれたモデルからいま計算しており、詳細は他のページで見られます。",
    },
}
