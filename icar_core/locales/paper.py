"""UI strings of the paper area: the paper-reference page and the HTML report of a run."""

STRINGS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ paper-reference page
    "paper.title": {"en": "The paper's Figure 3, reproduced", "ja": "論文の図 3 の再現"},
    "paper.lead": {
        "en": "The paper writes the loss of a layer with *diagonal heads* (each head is two vectors) in closed form and "
              "minimises it by gradient descent (its Figure 3). icar solves the same problem with its own code — the "
              "runs “paper-reference-unitary” and “paper-reference-orthogonal” — and sets the result beside the "
              "authors' own arrays, number by number.",
        "ja": "論文は、*対角ヘッド*（各ヘッドが 2 本のベクトルで表される）を持つ層の損失を式で書き下し、勾配降下法で最小化しています"
              "（論文の図 3）。icar は同じ問題を自前のコードで解き（モデル「paper-reference-unitary」と"
              "「paper-reference-orthogonal」）、その結果を著者自身の配列と数値ごとに並べて比べます。",
    },
    "paper.verdict.agree": {
        "en": "icar's reproduction agrees with the authors' arrays: {cases}.",
        "ja": "icar の再現は著者の配列と一致しています：{cases}。",
    },
    "paper.verdict.disagree": {
        "en": "icar's reproduction does not match the authors' arrays in every number: {cases}. The tabs below show "
              "where they differ.",
        "ja": "icar の再現は著者の配列とすべての数値では一致していません：{cases}。違いは下のタブで確認できます。",
    },
    "paper.verdict.alone": {
        "en": "The authors' arrays are not available here, so icar's reproduction is checked on its own: {cases}.",
        "ja": "著者の配列がここにはないため、icar の再現だけを確認しています：{cases}。",
    },
    "paper.verdict.partial": {
        "en": "icar has reproduced only part of the figure so far: {cases}.",
        "ja": "icar はまだ図の一部しか再現していません：{cases}。",
    },
    "paper.verdict.no_runs": {
        "en": "icar's reproduction runs are not in checkpoints/ yet; only the authors' arrays can be shown.",
        "ja": "icar の再現モデルがまだ checkpoints/ にありません。著者の配列だけを表示します。",
    },
    "paper.verdict.nothing": {
        "en": "Neither icar's reproduction runs nor the authors' arrays are available here, so there is nothing to "
              "compare yet.",
        "ja": "icar の再現モデルも著者の配列もここにはないため、まだ比べられるものはありません。",
    },
    "paper.verdict.sep": {"en": "; ", "ja": "。"},
    "paper.verdict.case": {
        "en": "{case} C = {c}·{shape} (theirs {c_theirs}), loss {loss} (theirs {loss_theirs})",
        "ja": "{case} C = {c}·{shape}（著者 {c_theirs}）、損失 {loss}（著者 {loss_theirs}）",
    },
    "paper.verdict.case_alone": {
        "en": "{case} C = {c}·{shape} (off by {error}%), loss {loss}",
        "ja": "{case} C = {c}·{shape}（ずれ {error}%）、損失 {loss}",
    },
    "paper.verdict.case_missing": {"en": "{case} no icar run", "ja": "{case} icar のモデルなし"},
    "paper.case.unitary": {"en": "unitary:", "ja": "ユニタリ："},
    "paper.case.orthogonal": {"en": "orthogonal:", "ja": "直交："},
    "paper.tab.unitary": {"en": "Unitary W (complex rotations)", "ja": "ユニタリな W（複素数の回転）"},
    "paper.tab.orthogonal": {"en": "Orthogonal W (real 2×2 rotation blocks)", "ja": "直交行列 W（実数の 2×2 回転ブロック）"},
    "paper.shape.scaled_identity": {"en": "I", "ja": "I"},
    "paper.shape.rotation_blocks": {"en": "(I + S)", "ja": "(I + S)"},
    "paper.no_run": {
        "en": "icar's run “{run}” is not loaded (it is written by `python -m icar_core.paper_reference`), so only the "
              "authors' arrays are shown for this case.",
        "ja": "icar のモデル「{run}」が読み込まれていません（`python -m icar_core.paper_reference` で作成されます）。"
              "このケースでは著者の配列だけを表示します。",
    },
    "paper.nothing": {
        "en": "Neither icar's run “{run}” nor the authors' arrays are available, so there is nothing to show for this case.",
        "ja": "icar のモデル「{run}」も著者の配列もないため、このケースで表示できるものはありません。",
    },
    "paper.flipped": {
        "en": "icar's A and P are shown with both signs flipped (A → −A, P → −P) to match the authors' sign. The flip "
              "changes no prediction and no loss, so both solutions are equally optimal; the products c·p below do not "
              "depend on it at all.",
        "ja": "著者の符号に合わせるため、icar の A と P は符号を両方反転して表示しています（A → −A、P → −P）。この反転は予測も"
              "損失も変えないので、どちらの解も同じく最適です。下の積 c·p は符号にまったく依存しません。",
    },
    "paper.scaled": {
        "en": "icar's model stores A and B {scale}× larger (its sequences have length 1 in every rotation plane, the "
              "paper's objective assumes √2); they are divided back here, so every number is in the paper's units.",
        "ja": "icar のモデルは A と B を {scale} 倍で保持しています（icar の系列は各回転面で長さ 1、論文の目的関数は √2 を仮定）。"
              "ここでは元に戻して表示しているので、すべての数値は論文の単位です。",
    },
    "paper.metric.c": {"en": "c in C ≈ c·{shape}", "ja": "C ≈ c·{shape} の c"},
    "paper.metric.c_help": {
        "en": "The number c of the best fit of C = Bᵀ A by the paper's structure, in the paper's units.",
        "ja": "C = Bᵀ A を論文の構造で最もよく当てはめたときの数 c（論文の単位）。",
    },
    "paper.metric.p_last": {"en": "p_last (newest token)", "ja": "p_last（最新トークン）"},
    "paper.metric.p_last_help": {
        "en": "The positional weight on the newest token, averaged over the rows of P.",
        "ja": "最新のトークンへの位置の重みを、P の行について平均したもの。",
    },
    "paper.metric.p_prev": {"en": "p_prev (token before)", "ja": "p_prev（一つ前）"},
    "paper.metric.p_prev_help": {
        "en": "The positional weight on the token before the newest, averaged over the rows of P.",
        "ja": "最新のトークンの一つ前のトークンへの位置の重みを、P の行について平均したもの。",
    },
    "paper.metric.gain_last": {"en": "c × p_last (sign-free)", "ja": "c × p_last（符号によらない）"},
    "paper.metric.gain_last_help": {
        "en": "The weight the whole layer gives the newest token; flipping the signs of A and P together does not "
              "change it (1 at the unitary optimum).",
        "ja": "層全体が最新のトークンに与える重み。A と P の符号を同時に反転しても変わりません（ユニタリの最適解では 1）。",
    },
    "paper.metric.gain_prev": {"en": "c × p_prev (sign-free)", "ja": "c × p_prev（符号によらない）"},
    "paper.metric.gain_prev_help": {
        "en": "The weight the whole layer gives the token before the newest; it does not depend on the sign either "
              "(−1/2 at the optimum for real rotation blocks).",
        "ja": "層全体が最新の一つ前のトークンに与える重み。これも符号によりません（実数の回転ブロックの最適解では −1/2）。",
    },
    "paper.metric.loss": {"en": "Final loss per row", "ja": "最終損失（1 行あたり）"},
    "paper.metric.loss_help": {
        "en": "The paper's objective divided by its number of rows, at the end of the optimisation; 0 is perfect.",
        "ja": "最適化の終わりでの論文の目的関数を行の数で割った値。0 が完全です。",
    },
    "paper.delta.authors": {"en": "authors: {theirs}", "ja": "著者：{theirs}"},
    "paper.delta.only_authors": {"en": "authors' value (no icar run)", "ja": "著者の値（icar のモデルなし）"},
    "paper.fit": {
        "en": "Structure of C: icar's C = {c}·{shape}, off by {error}% of its size{theirs}. The paper's optimum is "
              "{expected}.",
        "ja": "C の構造：icar の C = {c}·{shape}、ずれは大きさの {error}%{theirs}。論文の最適解は {expected} です。",
    },
    "paper.fit_theirs": {"en": " (authors: {c}·{shape}, off by {error}%)", "ja": "（著者：{c}·{shape}、ずれ {error}%）"},
    "paper.expected.unitary": {"en": "a scaled identity c·I", "ja": "単位行列のスカラー倍 c·I"},
    "paper.expected.orthogonal": {
        "en": "c·(I + S): 2×2 blocks of equal entries on the diagonal",
        "ja": "c·(I + S)：対角に並ぶ、値の等しい 2×2 ブロック",
    },
    "paper.chart.C": {"en": "C = Bᵀ A: what the heads do together", "ja": "C = Bᵀ A：ヘッド全体としての働き"},
    "paper.chart.P": {"en": "Positional weights P (used entries)", "ja": "位置の重み P（使われる成分のみ）"},
    "paper.chart.P2": {"en": "row t predicts from tokens 0 … t+1", "ja": "行 t はトークン 0 … t+1 から予測"},
    "paper.chart.loss": {"en": "Loss during the optimisation", "ja": "最適化中の損失"},
    "paper.heads.title": {"en": "The heads' own vectors A and B", "ja": "各ヘッドのベクトル A と B"},
    "paper.metric.head_overlap": {"en": "Mean overlap of heads", "ja": "ヘッド間の重なり"},
    "paper.metric.head_overlap_help": {
        "en": "Mean |cosine| between the rows of A, one row per head: 0 = the heads point in separate directions.",
        "ja": "A の行どうし（1 行が 1 ヘッド）の |コサイン| の平均。0 なら各ヘッドは別々の方向を向いています。",
    },
    "paper.chart.heads": {"en": "Rows of A (query-key) and B (value), one per head", "ja": "A（クエリ・キー）と B（値）の行：1 行が 1 ヘッド"},
    "paper.panel.vector": {"en": "{vector} · {who}", "ja": "{vector} · {who}"},
    "paper.axis.coordinate": {"en": "coordinate", "ja": "座標"},
    "paper.axis.head": {"en": "head", "ja": "ヘッド"},
    "paper.heads.caption": {
        "en": "A and B are not expected to match entry by entry: turning all heads together (A → QA, B → QB for any "
              "rotation Q of the heads) leaves C = Bᵀ A and every prediction unchanged, so two equally good solutions "
              "can look different here. What both share is C and P. The heads' overlap is shared only where A·Aᵀ is a "
              "multiple of I (the unitary case); otherwise the same rotation moves it.",
        "ja": "A と B が成分ごとに一致するとは限りません。すべてのヘッドをまとめて回しても（ヘッドの任意の回転 Q について A → QA、"
              "B → QB）、C = Bᵀ A もすべての予測も変わらないため、同じくらい良い二つの解がここでは違って見えることがあります。"
              "共通するのは C と P です。ヘッドどうしの重なりが共通するのは A·Aᵀ が I のスカラー倍のとき（ユニタリの場合）だけで、"
              "それ以外では同じ回転で重なりが動きます。",
    },
    "paper.panel.icar": {"en": "icar", "ja": "icar"},
    "paper.panel.authors": {"en": "authors", "ja": "著者"},
    "paper.axis.read": {"en": "coordinate read (j)", "ja": "読み取る座標 (j)"},
    "paper.axis.written": {"en": "coordinate written (i)", "ja": "書き込む座標 (i)"},
    "paper.axis.token": {"en": "token position", "ja": "トークンの位置"},
    "paper.axis.row": {"en": "row t", "ja": "行 t"},
    "paper.axis.step": {"en": "optimisation step", "ja": "最適化のステップ"},
    "paper.axis.loss": {"en": "loss per row (log scale)", "ja": "1 行あたりの損失（対数目盛）"},
    "paper.axis.value": {"en": "value", "ja": "値"},
    "paper.series.icar": {"en": "icar's run", "ja": "icar のモデル"},
    "paper.series.authors": {"en": "authors' final loss", "ja": "著者の最終損失"},
    "paper.loss_caption": {
        "en": "Run “{run}”: the paper's objective divided by its {rows} rows, at each logged step. Values below {floor} "
              "(floating-point round-off around zero) are drawn at {floor}.",
        "ja": "モデル「{run}」：記録した各ステップでの論文の目的関数を {rows} 行で割った値。{floor} 未満の値"
              "（ゼロ付近の浮動小数点の丸め誤差）は {floor} に描いています。",
    },
    "paper.how": {
        "en": "**Diagonal heads.** Each head h is two vectors: a_h decides how strongly each coordinate of the query is "
              "matched against a token, b_h how strongly each coordinate is written back. Stacking the heads gives A "
              "and B. **C = Bᵀ A** adds the heads up: entry (i, j) says how much coordinate j, read by the heads, "
              "feeds coordinate i of the prediction. **c·I** is a matrix with the same number c on the diagonal and "
              "zeros elsewhere; **S** swaps the two coordinates of each rotation plane. **P** weighs each earlier "
              "token; in the paper's convention row t is used on tokens 0 … t+1, so its last entry, **p_last**, weighs "
              "the newest token and **p_prev** the one before. **Why c × p.** Flipping the signs of A and P together "
              "changes nothing the model computes, so c and p can come out negative or positive; their products "
              "cannot. At the unitary optimum c × p_last = 1: the layer copies the rotation exactly. For real "
              "rotation blocks c × p_prev = −1/2: the model uses s₍ₙ₊₁₎ = 2 cos θ · sₙ − sₙ₋₁, a trigonometric "
              "identity. **Loss** is the paper's objective per row; 0 is perfect.",
        "ja": "**対角ヘッド。** 各ヘッド h は 2 本のベクトルです。a_h はクエリの各座標をトークンとどれだけ強く照合するか、b_h は"
              "各座標をどれだけ強く書き戻すかを決めます。ヘッドを縦に並べたものが A と B です。**C = Bᵀ A** はヘッドを足し合わせた"
              "ものです。成分 (i, j) は、ヘッドが読んだ座標 j が予測の座標 i にどれだけ効くかを表します。**c·I** は対角に同じ数 c が"
              "並び、それ以外が 0 の行列です。**S** は各回転面の 2 つの座標を入れ替えます。**P** は過去の各トークンへの重みです。"
              "論文の表記では行 t はトークン 0 … t+1 に使われ、最後の成分 **p_last** が最新のトークン、**p_prev** がその一つ前への"
              "重みです。**c × p を比べる理由。** A と P の符号を同時に反転してもモデルの計算は何も変わらないため、c と p は正にも負にも"
              "なり得ますが、その積は変わりません。ユニタリの最適解では c × p_last = 1 で、層は回転を正確に写します。実数の回転ブロック"
              "では c × p_prev = −1/2 となり、モデルは三角関数の恒等式 s₍ₙ₊₁₎ = 2 cos θ · sₙ − sₙ₋₁ を使っています。"
              "**損失**は 1 行あたりの論文の目的関数で、0 が完全です。",
    },
    # ------------------------------------------------------------------ HTML report of one run
    "report.download": {"en": "Export this run as an HTML report", "ja": "このモデルを HTML レポートとして書き出す"},
    "report.download_help": {
        "en": "One self-contained web page about the selected run — its settings, its verdicts and its main charts — "
              "that opens offline in any browser.",
        "ja": "選択中のモデルの設定・判定・主要な図をまとめた 1 枚のウェブページです。オフラインでどのブラウザーでも開けます。",
    },
    "report.title": {"en": "icar report: run “{run}”", "ja": "icar レポート：モデル「{run}」"},
    "report.config.heading": {"en": "Configuration", "ja": "設定"},
    "report.config.text": {
        "en": "Model: {kind}; {model}. Task: states of dimension d = {d}, sequences of T = {T} steps, W drawn as "
              "“{w_dist}” (μ = {mu}, noise σ = {noise}). Training: {steps} steps of {optimizer}, learning rate {lr}, "
              "batch {batch}, seed {seed}; {status}. Final {loss_name} {loss}.",
        "ja": "モデル：{kind}。{model}。課題：状態の次元 d = {d}、系列の長さ T = {T} ステップ、W の分布「{w_dist}」"
              "（μ = {mu}、ノイズ σ = {noise}）。学習：{optimizer} で {steps} ステップ、学習率 {lr}、バッチ {batch}、"
              "シード {seed}。{status}。最終的な{loss_name} {loss}。",
    },
    "report.config.model_one": {"en": "one head, {settings}", "ja": "ヘッド 1 個、{settings}"},
    "report.config.model_many": {"en": "H = {heads} heads, {settings}", "ja": "ヘッド数 H = {heads}、{settings}"},
    "report.config.setting": {"en": "{name}: {value}", "ja": "{name}：{value}"},
    "report.config.sep": {"en": ", ", "ja": "、"},
    "report.setting.structure": {"en": "weight structure", "ja": "重みの構造"},
    "report.setting.normalisation": {"en": "attention normalisation", "ja": "アテンションの正規化"},
    "report.setting.heads": {"en": "head type", "ja": "ヘッドの型"},
    "report.setting.positional": {"en": "positional term", "ja": "位置の項"},
    "report.setting.field": {"en": "numbers", "ja": "数の種類"},
    "report.setting.query": {"en": "query token", "ja": "クエリのトークン"},
    "report.value.structure.full": {"en": "full (every weight free)", "ja": "制約なし（すべての重みが自由）"},
    "report.value.structure.block": {"en": "block (the paper's block structure)", "ja": "論文のブロック構造"},
    "report.value.normalisation.mean": {"en": "mean over the context, 1/(n+1)", "ja": "文脈での平均 1/(n+1)"},
    "report.value.normalisation.none": {"en": "none", "ja": "なし"},
    "report.value.heads.full": {"en": "full matrices", "ja": "行列（制約なし）"},
    "report.value.heads.diagonal": {"en": "diagonal (two vectors per head)", "ja": "対角（各ヘッドが 2 本のベクトル）"},
    "report.value.positional.matrix": {"en": "positional weights P", "ja": "位置の重み P"},
    "report.value.positional.embedding": {"en": "learned positional embeddings", "ja": "学習した位置埋め込み"},
    "report.value.positional.none": {"en": "none", "ja": "なし"},
    "report.value.field.real": {"en": "real", "ja": "実数"},
    "report.value.field.complex": {"en": "complex", "ja": "複素数"},
    "report.value.query.previous": {"en": "the previous state", "ja": "直前の状態"},
    "report.value.query.current": {"en": "the current state", "ja": "現在の状態"},
    "report.config.train_loss": {"en": "training loss", "ja": "学習データでの損失"},
    "report.config.objective": {"en": "value of the paper's closed-form objective (the training loss of this run, in "
                                      "icar's loss units)",
                                "ja": "論文の閉じた形の目的関数の値、つまりこのモデルの学習データでの損失を icar の損失の単位で表したもの"},
    "report.config.complete": {"en": "training finished", "ja": "学習は完了しています"},
    "report.config.partial": {"en": "training stopped early (partial run)", "ja": "学習は途中で止まっています（途中のモデル）"},
    "report.verdicts.none": {
        "en": "None of the paper's three findings is measured on this kind of run.",
        "ja": "この種類のモデルでは、論文の 3 つの発見はいずれも測定しません。",
    },
    "report.loss.heading": {"en": "Loss during training", "ja": "学習中の損失"},
    "report.loss.text": {
        "en": "Mean squared error of the next-state prediction during training (log scale){gd}.",
        "ja": "学習中の次状態予測の平均二乗誤差（対数目盛）{gd}。",
    },
    "report.loss.gd": {
        "en": ". The dashed grey line is the held-out loss of the best single gradient-descent step, the paper's "
              "reference",
        "ja": "。灰色の破線は、最良の勾配降下法 1 ステップの評価用データでの損失で、論文の基準です",
    },
    "report.loss.floor": {
        "en": "Values below {floor} (round-off around an exact zero) are drawn at {floor}.",
        "ja": "{floor} 未満の値（厳密なゼロ付近の丸め誤差）は {floor} の位置に描いています。",
    },
    "report.loss.chart": {"en": "Loss against training step", "ja": "学習ステップと損失"},
    "report.axis.step": {"en": "training step", "ja": "学習ステップ"},
    "report.axis.loss": {"en": "loss (log scale)", "ja": "損失（対数目盛）"},
    "report.series.train": {"en": "training loss", "ja": "学習データでの損失"},
    "report.series.eval": {"en": "held-out loss", "ja": "評価用データでの損失"},
    "report.series.objective": {"en": "training loss = the paper's closed-form objective",
                                "ja": "学習データでの損失 = 論文の閉じた形の目的関数"},
    "report.series.gd": {"en": "best single GD step (reference)", "ja": "最良の勾配降下法 1 ステップ（基準）"},
    "report.gd.heading": {"en": "The model's estimate of W against one gradient step",
                          "ja": "モデルによる W の推定と勾配降下法 1 ステップ"},
    "report.gd.text": {
        "en": "On one context of {n} states: the model's estimate of the rule W (its in-context update), one gradient-"
              "descent step η Σ sₜ sₜ₋₁ᵀ with the task's best step size, and the true W, on one colour scale. On this context "
              "the model's prediction and the GD step's have cosine {cosine}, an angle of {angle}° (1 = 0° = the same "
              "direction).",
        "ja": "{n} 個の状態からなる一つの文脈で、モデルによる規則 W の推定（文脈内の更新）、最良の学習率での勾配降下法 1 ステップ "
              "η Σ sₜ sₜ₋₁ᵀ、本当の W を同じ色の目盛で並べました。この文脈でのモデルの予測と勾配降下法 1 ステップの予測のコサイン類似度は {cosine}、角度は {angle}° です。1 = 0° で同じ向きです。",
    },
    "report.gd.chart": {"en": "Three estimates of W on one context", "ja": "一つの文脈での W の 3 つの推定"},
    "report.panel.model": {"en": "model's estimate", "ja": "モデルの推定"},
    "report.panel.gd": {"en": "one GD step", "ja": "勾配降下法 1 ステップ"},
    "report.panel.truth": {"en": "true W", "ja": "本当の W"},
    "report.axis.input": {"en": "input coordinate", "ja": "入力の座標"},
    "report.axis.output": {"en": "output coordinate", "ja": "出力の座標"},
    "report.axis.value": {"en": "entry", "ja": "成分"},
    "report.circuit.heading": {"en": "How the heads combine: C = Bᵀ A", "ja": "ヘッドの組み合わせ：C = Bᵀ A"},
    "report.circuit.text": {
        "en": "The sum over heads of each head's value vector times its query-key vector. Best fit: C ≈ {c}·{shape}, "
              "off by {error}% of its size (the paper: c·I for unitary W, c·(I + S) for real rotation blocks).",
        "ja": "各ヘッドの値ベクトルとクエリ・キーベクトルの積をヘッドについて足したものです。最良の当てはめ：C ≈ {c}·{shape}、"
              "ずれは大きさの {error}%（論文：ユニタリな W では c·I、実数の回転ブロックでは c·(I + S)）。",
    },
    "report.positions.heading": {"en": "Positional weights: the last row and its best cosine", "ja": "位置の重み：最後の行と最良のコサイン"},
    "report.positions.text": {
        "en": "The weight the model gives each earlier position when it predicts from the last one, with the best single "
              "cosine wave: R² = {r2} (1 = the cosine explains the whole shape), period ≈ {period} positions.",
        "ja": "最後の位置から予測するときにモデルが過去の各位置に与える重みと、最もよく合う一つのコサイン波です。"
              "R² = {r2}（1 ならコサインで形がすべて説明できる）、周期 ≈ {period} 位置。",
    },
    "report.positions.text_not": {
        "en": "The weight the model gives each earlier position when it predicts from the last one, with the best single "
              "cosine wave: R² = {r2} (1 = the cosine explains the whole shape), too low to call the row a cosine, so no "
              "period is claimed.",
        "ja": "最後の位置から予測するときにモデルが過去の各位置に与える重みと、最もよく合う一つのコサイン波です。"
              "R² = {r2}（1 ならコサインで形がすべて説明できる）で、コサインと呼ぶには低すぎるため、周期は示しません。",
    },
    "report.positions.flat": {
        "en": "Apart from the newest token, the last row of the positional weights is flat: every entry is round-off "
              "next to the largest weight. There is no shape to fit, so no cosine is fitted or drawn.",
        "ja": "最新のトークンを除くと、位置の重みの最後の行は平坦です。どの成分も最大の重みに比べれば丸め誤差です。当てはめる形が"
              "ないため、コサインの当てはめも図も示しません。",
    },
    "report.positions.chart": {"en": "Last row of the positional weights", "ja": "位置の重みの最後の行"},
    "report.axis.position": {"en": "earlier position t", "ja": "過去の位置 t"},
    "report.axis.weight": {"en": "weight", "ja": "重み"},
    "report.series.learned": {"en": "learned weights", "ja": "学習した重み"},
    "report.series.cosine": {"en": "best cosine wave", "ja": "最もよく合うコサイン波"},
    "report.footer": {
        "en": "Made by icar from the checkpoint file “{file}” (sha256 {sha}…). Paper: Sander et al., “How do "
              "Transformers Perform In-Context Autoregressive Learning?”, ICML 2024.",
        "ja": "icar がチェックポイント「{file}」（sha256 {sha}…）から作成。論文：Sander ほか「How do Transformers Perform "
              "In-Context Autoregressive Learning?」ICML 2024。",
    },
    "report.footer.heading": {"en": "Source", "ja": "出典"},
}
