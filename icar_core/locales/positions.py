"""UI strings of the positions area (the Positional-encodings page)."""

STRINGS: dict[str, dict[str, str]] = {
    "positions.title": {"en": "Positional encodings: do positions learn trigonometry?",
                        "ja": "位置エンコーディング：位置は三角関数を学ぶのか"},
    "positions.lead": {
        "en": "Besides the content of the tokens, the model learns how much each earlier position should count. "
              "This page shows those positional weights, looks for a circle in them, and checks whether their last "
              "row is a cosine wave — and, for the position-only runs, how that shape compares with exact "
              "least-squares solutions and with the authors' own runs.",
        "ja": "モデルはトークンの内容に加えて、過去の各位置をどれだけ重視するかも学びます。このページではその位置の重みを示し、"
              "その中に円の形があるかを調べ、最後の行がコサイン波かどうかを確かめます。位置だけを学習したモデルについては、"
              "その形を厳密な最小二乗解や著者ら自身の学習結果とも比べます。",
    },
    "positions.na.augmented": {
        "en": "augmented-token runs have no learned positional weights (every earlier token counts equally)",
        "ja": "拡張トークンのモデルには学習された位置の重みがなく、過去のトークンはすべて同じ重みです",
    },
    "positions.na.too_short": {
        "en": "its contexts are too short: a PCA of positions needs at least 4 positions and a cosine fit of a row at least 6",
        "ja": "文脈が短すぎ、位置の主成分分析には 4 位置以上、行のコサイン当てはめには 6 位置以上が必要です",
    },
    "positions.na.none": {
        "en": "this run was trained without positional weights (every earlier token counts equally)",
        "ja": "このモデルは位置の重みなしで学習されており、過去のトークンはすべて同じ重みです",
    },
    "positions.weight": {"en": "weight", "ja": "重み"},
    "positions.yes": {"en": "yes", "ja": "はい"},
    "positions.no": {"en": "no", "ja": "いいえ"},
    "positions.not_claimed": {"en": "none claimed", "ja": "主張しない"},
    # Verdicts for runs with learned embeddings (runs with P use verdict.positions.*).
    "positions.verdict.circle": {
        "en": "The learned positional embeddings trace a circle or spiral: in their first two principal components "
              "(which hold {share}% of the variance) the positions wind {turns} turns around the centre, {agreement}% "
              "of the steps turning the same way.",
        "ja": "学習された位置埋め込みは円またはらせんを描いています。第 1・第 2 主成分（分散の {share}%）の平面で、位置は中心の"
              "まわりを {turns} 周し、{agreement}% のステップが同じ向きに回っています。",
    },
    "positions.verdict.no_circle": {
        "en": "The learned positional embeddings show no circle or spiral: in their first two principal components "
              "({share}% of the variance) the positions wind only {turns} turns, {agreement}% of the steps turning "
              "the same way.",
        "ja": "学習された位置埋め込みには円やらせんは見られません。第 1・第 2 主成分（分散の {share}%）の平面で、位置は中心の"
              "まわりを {turns} 周しかせず、同じ向きに回るステップは {agreement}% です。",
    },
    "positions.verdict.flat": {
        "en": "The last row of P is flat apart from the newest token: its largest weight on an earlier token is {max}, "
              "round-off next to P's largest entry {scale}. There is no shape to fit, so no cosine is claimed — in "
              "that row the run weighs only the newest token.",
        "ja": "P の最後の行は、最新のトークンを除けば平坦です。過去のトークンへの重みの最大値は {max} で、P の最大成分 {scale} "
              "に比べれば丸め誤差にすぎません。当てはめる形がないため、コサインは主張しません。その行でモデルは最新の"
              "トークンだけに重みを置いています。",
    },
    "positions.flat": {
        "en": "Every weight on an earlier token is round-off (at most {max}, next to P's largest entry {scale}): P only "
              "weighs the newest token, so its rows have no shape, and there is nothing for a PCA or a circle to show.",
        "ja": "過去のトークンへの重みはすべて丸め誤差です（最大 {max}。P の最大成分は {scale}）。P は最新のトークンだけに重みを"
              "置いているため行には形がなく、主成分分析や円で示せるものはありません。",
    },
    # The encodings.
    "positions.P.title": {"en": "The positional weights P", "ja": "位置の重み P"},
    "positions.P.chart": {"en": "P[n, t]: weight of the token at t", "ja": "P[n, t]：位置 t のトークンの重み"},
    "positions.P.chart2": {"en": "for the query at position n", "ja": "（位置 n のクエリから見た値）"},
    "positions.P.without_diagonal": {"en": "Colour scale without the newest-token entries P[n, n]",
                                     "ja": "色スケールから最新トークンの成分 P[n, n] を除く"},
    "positions.P.without_diagonal_help": {
        "en": "The diagonal (the newest token) is often much larger than the rest; leaving it out of the colour "
              "scale shows the shape of the other entries. Diagonal cells then show the end colour; hover for values.",
        "ja": "対角成分（最新のトークン）は他よりずっと大きいことが多く、色スケールから除くと他の成分の形が見えます。"
              "そのとき対角のセルは端の色で表示されます。値はカーソルを合わせると表示されます。",
    },
    "positions.P.caption": {
        "en": "Only the lower triangle exists (a position cannot look ahead). Rows start at n = {first}: at n = 0 the "
              "query (the previous state) is zero, so that row is never used.",
        "ja": "下三角の部分だけが存在します（位置は先を見られません）。行は n = {first} から始まります。n = 0 ではクエリ（直前の状態）"
              "がゼロなので、その行は使われません。",
    },
    "positions.E.title": {"en": "The learned positional embeddings", "ja": "学習された位置埋め込み"},
    "positions.E.chart": {"en": "One learned vector per position", "ja": "位置ごとに学習されたベクトル"},
    "positions.E.caption": {
        "en": "Each position has a learned vector of {dims} numbers; the model compares these vectors to decide how "
              "much one position attends to another.",
        "ja": "各位置は {dims} 個の数からなる学習済みのベクトルを持ちます。モデルはこれらのベクトルを比べて、ある位置が別の位置に"
              "どれだけ注目するかを決めます。",
    },
    # PCA.
    "positions.pca.caption_matrix": {
        "en": "PCA of rows n = {first} … {last} of P without their newest-token entries P[n, n] (set to 0, like the "
              "entries above the diagonal) — the same entries as the last row below and the authors' saved rows; the "
              "heatmap above shows every entry.",
        "ja": "P の行 n = {first} … {last} から最新トークンの成分 P[n, n] を除いた（対角より上の成分と同じく 0 とした）主成分分析"
              "です。下の最後の行や著者らの保存した行と同じ成分を使っています。上のヒートマップにはすべての成分を表示しています。",
    },
    "positions.pca.caption_embedding": {
        "en": "PCA of the {count} learned positional embedding vectors, one per position.",
        "ja": "位置ごとに一つ、学習された {count} 個の位置埋め込みベクトルの主成分分析です。",
    },
    "positions.pca.title": {"en": "Is there a circle? The positions in their two main directions",
                            "ja": "円はあるか？ 主な 2 方向で見た位置"},
    "positions.pca.chart": {"en": "Positions in the PCA plane, joined in order",
                            "ja": "主成分の平面上の位置（順に結んだもの）"},
    "positions.metric.pc": {"en": "Variance in component {k}", "ja": "第 {k} 主成分の分散"},
    "positions.metric.pc_help": {
        "en": "Share of the total variation of the positional vectors along this direction (principal component "
              "analysis).",
        "ja": "位置ベクトル全体のばらつきのうち、この方向に沿った割合（主成分分析）。",
    },
    "positions.metric.pc_total": {"en": "First {k} together", "ja": "最初の {k} 成分の合計"},
    "positions.metric.turns": {"en": "Turns around the centre", "ja": "中心のまわりの周回数"},
    "positions.metric.turns_help": {
        "en": "Net angle the path of positions sweeps around the centre of the picture, in full turns (1 = a full "
              "circle).",
        "ja": "位置の経路が図の中心のまわりに回る正味の角度を、周回数で表したもの（1 = 1 周）。",
    },
    "positions.metric.agreement": {"en": "Same-direction steps", "ja": "同じ向きに回るステップ"},
    "positions.metric.agreement_help": {
        "en": "Share of the steps from one position to the next that turn in the direction of the net sweep; a "
              "circle or spiral has nearly 100%, random points about 50%.",
        "ja": "ある位置から次の位置へのステップのうち、正味の回転と同じ向きに回るものの割合。円やらせんならほぼ 100%、"
              "ランダムな点ならおよそ 50% です。",
    },
    "positions.pca.circle": {
        "en": "**A circle or spiral appears:** the positions wind {turns} turns around the centre, {agreement}% of "
              "the steps turning the same way. But the picture holds only {share}% of the variance (the first three "
              "components {share3}%), so it is a partial view of the positional vectors.",
        "ja": "**円またはらせんが現れています：** 位置は中心のまわりを {turns} 周し、{agreement}% のステップが同じ向きに回って"
              "います。ただしこの図が表すのは分散の {share}% だけ（最初の 3 成分で {share3}%）なので、位置ベクトルの一部の"
              "見え方にすぎません。",
    },
    "positions.pca.circle_most": {
        "en": "**A circle or spiral appears:** the positions wind {turns} turns around the centre, {agreement}% of "
              "the steps turning the same way, and the picture holds {share}% of the variance (the first three "
              "components {share3}%) — most of how the positional vectors vary.",
        "ja": "**円またはらせんが現れています：** 位置は中心のまわりを {turns} 周し、{agreement}% のステップが同じ向きに回って"
              "います。この図は分散の {share}%（最初の 3 成分で {share3}%）を表しており、位置ベクトルのばらつきの大部分です。",
    },
    "positions.pca.no_circle": {
        "en": "**No clear circle or spiral:** the positions wind {turns} turns around the centre and {agreement}% of "
              "the steps turn the same way (a circle needs at least half a turn and 90%, without jumps across the "
              "centre). The picture holds {share}% of the variance (first three components: {share3}%).",
        "ja": "**はっきりした円やらせんはありません：** 位置は中心のまわりを {turns} 周し、同じ向きに回るステップは {agreement}% です"
              "（円と呼ぶには、中心を飛び越えずに半周以上、90% 以上が必要です）。この図は分散の {share}% を表します（最初の 3 成分で"
              " {share3}%）。",
    },
    "positions.pca.rows_below": {
        "en": "A circle is not automatic — the paper's trigonometry lives in the rows' shape below.",
        "ja": "円は自動的には現れません。論文の三角関数は下の行の形に現れます。",
    },
    # The last row.
    "positions.profile.title": {"en": "The last row: is it a cosine wave?", "ja": "最後の行：コサイン波か？"},
    "positions.profile.chart": {"en": "Row n = {n} of P and the best single cosine",
                                "ja": "P の行 n = {n} と最もよく合う一つのコサイン"},
    "positions.metric.r2": {"en": "Cosine fit R²", "ja": "コサインの当てはまり R²"},
    "positions.metric.r2_help": {
        "en": "Share of the row's variation the best cosine a·cos(ωt + φ) + b explains: 1 is perfect; below 0.95 "
              "the row is not called a cosine.",
        "ja": "最もよく合うコサイン a·cos(ωt + φ) + b が説明する行のばらつきの割合。1 は完全一致、0.95 未満ならコサインとは呼びません。",
    },
    "positions.metric.omega": {"en": "Frequency ω", "ja": "周波数 ω"},
    "positions.metric.omega_help": {
        "en": "How fast the cosine turns from one position to the next, in radians per position; only claimed when "
              "the fit is good.",
        "ja": "コサインが 1 位置ごとにどれだけ進むか（1 位置あたりのラジアン）。当てはまりが良いときだけ示します。",
    },
    "positions.metric.cubic_ratio": {"en": "Cubic's error ÷ cosine's", "ja": "3 次式の誤差 ÷ コサインの誤差"},
    "positions.metric.cubic_ratio_help": {
        "en": "Held-out ({folds}-fold) squared error of a cubic with as many parameters, divided by the cosine's. "
              "Above 2: the cosine describes the row better than a gentle curve; near 1 or below: it cannot be told "
              "apart from one, whatever its R².",
        "ja": "同じパラメータ数の 3 次式の検証誤差（{folds} 分割）をコサインの検証誤差で割った値。2 を超えればコサインは緩やかな曲線より"
              "よくこの行を表し、1 前後以下なら R² にかかわらず緩やかな曲線と区別できません。",
    },
    "positions.series.trained": {"en": "trained P (last row)", "ja": "学習した P（最後の行）"},
    "positions.series.fit": {"en": "best cosine fit", "ja": "最もよく合うコサイン"},
    "positions.series.cubic": {"en": "best cubic (as many parameters)", "ja": "最もよく合う 3 次式（同じパラメータ数）"},
    "positions.profile.flat": {
        "en": "**Flat — no shape to fit:** apart from the newest token (left out, as in the authors' rows), row "
              "n = {n} of P is at most {max}, round-off next to P's largest entry {scale}. Fitting a cosine to it would "
              "describe rounding noise, so none is fitted.",
        "ja": "**平坦で、当てはめる形がありません：** 最新のトークン（著者らの行と同じく除外）を除くと、P の行 n = {n} の値は最大 "
              "{max} で、P の最大成分 {scale} に比べれば丸め誤差です。これにコサインを当てはめても丸め誤差を表すだけなので、"
              "当てはめは行いません。",
    },
    # Least squares.
    "positions.ls.title": {"en": "The trained row against exact least-squares solutions",
                           "ja": "学習した行と厳密な最小二乗解の比較"},
    "positions.ls.computing": {"en": "Solving the least-squares problems…", "ja": "最小二乗問題を解いています…"},
    "positions.ls.chart": {"en": "Last row of P: trained vs least-squares references",
                           "ja": "P の最後の行：学習結果と最小二乗の参照解"},
    "positions.ls.show_min_norm": {"en": "Also draw the exact interpolant (λ = 0; very large values)",
                                   "ja": "厳密な補間解（λ = 0、値が非常に大きい）も描く"},
    "positions.series.ridge": {"en": "ridge least squares at the run's loss", "ja": "同じ損失のリッジ最小二乗解"},
    "positions.series.min_norm": {"en": "minimum-norm interpolant (λ = 0)", "ja": "最小ノルムの補間解（λ = 0）"},
    "positions.metric.ridge_cosine": {"en": "Cosine with ridge", "ja": "リッジ解とのコサイン"},
    "positions.metric.ridge_cosine_help": {
        "en": "Cosine between the trained row and the ridge least-squares solution with the same training loss, "
              "seen as vectors: 1 means the same shape (up to size).",
        "ja": "学習した行と、同じ学習データでの損失のリッジ最小二乗解との、ベクトルとしてのコサイン。1 は（大きさを除いて）同じ形です。",
    },
    "positions.metric.ridge_error": {"en": "Distance to ridge", "ja": "リッジ解との距離"},
    "positions.metric.ridge_lambda": {"en": "Ridge strength λ", "ja": "リッジの強さ λ"},
    "positions.metric.ridge_lambda_help": {
        "en": "The λ at which the ridge solution's training loss equals the trained run's, {loss}.",
        "ja": "リッジ解の学習データでの損失が学習済みモデルの損失 {loss} と等しくなる λ。",
    },
    "positions.metric.min_norm_cosine": {"en": "Cosine, λ = 0 solution", "ja": "λ = 0 の解とのコサイン"},
    "positions.metric.min_norm_cosine_help": {
        "en": "Cosine between the trained row and the exact interpolant (least squares with λ = 0, the minimum-norm "
              "solution), seen as vectors: 1 means the same shape (up to size).",
        "ja": "学習した行と、厳密な補間解（λ = 0 の最小二乗解、最小ノルムの解）との、ベクトルとしてのコサイン。1 は（大きさを除いて）"
              "同じ形です。",
    },
    "positions.metric.min_norm_error": {"en": "Distance, λ = 0 solution", "ja": "λ = 0 の解との距離"},
    "positions.metric.cosine_help": {
        "en": "Cosine between the two rows seen as vectors: 1 means the same shape (up to size).",
        "ja": "2 つの行をベクトルとみたときのコサイン。1 は（大きさを除いて）同じ形であることを表します。",
    },
    "positions.metric.error_help": {
        "en": "‖trained − reference‖ / ‖reference‖: 0% is identical.",
        "ja": "‖学習結果 − 参照解‖ / ‖参照解‖。0% は同一です。",
    },
    "positions.ls.intro": {
        "en": "The model is linear in P, so the best P for the run's own training sequences can be computed exactly.",
        "ja": "モデルは P について線形なので、モデル自身の学習系列に対する最適な P は厳密に計算できます。",
    },
    "positions.ls.ridge": {
        "en": "The ridge solution that reaches the same training loss ({loss}, at λ = {lam}) has cosine {cosine} with "
              "the trained row (at least {threshold}): gradient descent from zero, stopped early, behaves like ridge "
              "regression.",
        "ja": "同じ学習データでの損失（{loss}、λ = {lam}）に達するリッジ解と学習した行のコサインは {cosine} です（{threshold} 以上）。"
              "ゼロから始めて早めに止めた勾配降下法は、リッジ回帰のように振る舞います。",
    },
    "positions.ls.ridge_not": {
        "en": "The ridge solution that reaches the same training loss ({loss}, at λ = {lam}) has cosine {cosine} with "
              "the trained row, below {threshold}: this trained row is not close to ridge regression.",
        "ja": "同じ学習データでの損失（{loss}、λ = {lam}）に達するリッジ解と学習した行のコサインは {cosine} で、{threshold} を下回ります。"
              "この学習した行はリッジ回帰の解に近いとは言えません。",
    },
    "positions.ls.min_norm": {
        "en": "The exact interpolant (λ = 0) fits the sequences perfectly (loss {min_loss}) but has a different row "
              "(cosine {min_cosine} with the trained one): the trained shape is not the task's exact solution — it "
              "comes from stopping early.",
        "ja": "厳密な補間解（λ = 0）は系列に完全に当てはまります（損失 {min_loss}）が、行は異なります（学習した行とのコサイン "
              "{min_cosine}）。学習した形は課題の厳密解ではなく、早めに止めることから生まれます。",
    },
    "positions.ls.min_norm_close": {
        "en": "The exact interpolant (λ = 0) fits the sequences perfectly (loss {min_loss}) and its row is close to the "
              "trained one (cosine {min_cosine}): here the task's exact solution already has this shape.",
        "ja": "厳密な補間解（λ = 0）は系列に完全に当てはまり（損失 {min_loss}）、その行は学習した行に近い（コサイン "
              "{min_cosine}）です。ここでは課題の厳密解がすでにこの形をしています。",
    },
    # The authors.
    "positions.paper.title": {"en": "Our run against the authors' run", "ja": "私たちの学習結果と著者らの学習結果"},
    "positions.paper.absent": {
        "en": "The authors' position-only weights for μ = {mu} are not available here: they exist for μ = 50, 100, 200 "
              "and 300 with 30 positions, and are read from the shared reference data when it is beside the project.",
        "ja": "μ = {mu} の著者らの位置の重みはここにはありません。著者らの重みは μ = 50, 100, 200, 300、30 位置のものがあり、"
              "共有の参照データがプロジェクトの隣にあれば読み込まれます。",
    },
    "positions.metric.paper_cosine": {"en": "Cosine with authors' row", "ja": "著者らの行とのコサイン"},
    "positions.paper.chart": {"en": "Last row of P for μ = {mu}: ours and the authors'",
                              "ja": "μ = {mu} の P の最後の行：私たちと著者ら"},
    "positions.series.ours": {"en": "ours (μ = {mu})", "ja": "私たち（μ = {mu}）"},
    "positions.series.paper": {"en": "authors (μ = {mu})", "ja": "著者ら（μ = {mu}）"},
    # Every μ.
    "positions.mu.title": {"en": "How the shape depends on μ (slower rotations for larger μ)",
                           "ja": "形は μ によってどう変わるか（μ が大きいほど回転は遅い）"},
    "positions.mu.show_paper": {"en": "Also draw the authors' rows (dashed)", "ja": "著者らの行も描く（破線）"},
    "positions.mu.show_paper_absent": {
        "en": "The authors' rows are not available on this machine, so there is nothing to add.",
        "ja": "このマシンには著者らの行がないため、追加できるものはありません。",
    },
    "positions.mu.chart": {"en": "Last row of P for every position-only run", "ja": "位置のみの各モデルの P の最後の行"},
    "positions.series.mu": {"en": "μ = {mu}", "ja": "μ = {mu}"},
    "positions.source.ours": {"en": "ours", "ja": "私たち"},
    "positions.source.paper": {"en": "authors", "ja": "著者ら"},
    "positions.col.run": {"en": "run", "ja": "モデル"},
    "positions.col.r2": {"en": "cosine fit R²", "ja": "コサインの R²"},
    "positions.col.cosine": {"en": "a cosine (not a cubic)?", "ja": "コサインか（3 次式ではなく）"},
    "positions.col.cubic_ratio": {"en": "cubic ÷ cosine held-out error", "ja": "3 次式 ÷ コサインの検証誤差"},
    "positions.col.omega": {"en": "ω (rad/position)", "ja": "ω（ラジアン/位置）"},
    "positions.col.paper_cosine": {"en": "cosine with the authors' row", "ja": "著者らの行とのコサイン"},
    "positions.mu.caption": {
        "en": "ω and the period are given only for rows that a single cosine describes (R² ≥ 0.95). μ sets how slowly "
              "the rule turns: angles are drawn below 2π/μ.",
        "ja": "ω と周期は、一つのコサインで表せる行（R² ≥ 0.95）についてだけ示します。μ は規則の回転の遅さを決めます"
              "（角度は 2π/μ 未満から選ばれます）。",
    },
    # Axis names.
    "positions.axis.key": {"en": "earlier position t", "ja": "過去の位置 t"},
    "positions.axis.query": {"en": "query position n", "ja": "クエリの位置 n"},
    "positions.axis.position": {"en": "position", "ja": "位置"},
    "positions.axis.embedding": {"en": "embedding coordinate", "ja": "埋め込みの座標"},
    "positions.axis.pc": {"en": "principal component {k}", "ja": "第 {k} 主成分"},
    "positions.how": {
        "en": "**Positional weights P.** P[n, t] says how much the model, predicting the state after position n, "
              "counts the token at position t. **Positional embeddings.** Instead of a table P, one learned vector "
              "per position; positions with similar vectors attend to each other. **Principal components.** The "
              "directions along which the positional vectors vary most; the percentages say how much of the "
              "variation each direction holds, so a picture of two components is faithful only if they hold most "
              "of it. **Circle or spiral.** If positions were encoded by angles, consecutive positions would go "
              "round the centre in one direction. **Cosine fit and R².** The best curve a·cos(ωt + φ) + b through the "
              "row; R² is the share of the row's variation it explains (1 = perfect). ω, the frequency, is only "
              "meaningful when R² is high. **Least squares, ridge, λ.** The model's prediction is linear in P, so "
              "the P with the smallest error on the training sequences can be solved for exactly; ridge adds a "
              "penalty λ‖P‖² that keeps P small. **μ.** The rule turns by a random angle below 2π/μ per step: larger "
              "μ, slower rotations.",
        "ja": "**位置の重み P。** P[n, t] は、位置 n の次の状態を予測するとき、位置 t のトークンをどれだけ重視するかを表します。"
              "**位置埋め込み。** 表 P の代わりに、位置ごとに学習したベクトルを使います。似たベクトルを持つ位置どうしが互いに注目します。"
              "**主成分。** 位置ベクトルが最も大きくばらつく方向です。割合は各方向が持つばらつきの大きさを表し、2 成分の図が忠実なのは"
              "それらがばらつきの大部分を持つときだけです。**円やらせん。** 位置が角度で表されていれば、連続する位置は中心のまわりを"
              "一方向に回ります。**コサインの当てはめと R²。** 行に最もよく合う曲線 a·cos(ωt + φ) + b。R² はそれが説明する行のばらつきの"
              "割合（1 = 完全）です。周波数 ω は R² が高いときだけ意味を持ちます。**最小二乗・リッジ・λ。** モデルの予測は P について"
              "線形なので、学習系列での誤差が最小の P を厳密に求められます。リッジは P を小さく保つ罰則 λ‖P‖² を加えます。"
              "**μ。** 規則は 1 ステップごとに 2π/μ 未満のランダムな角度だけ回ります。μ が大きいほど回転は遅くなります。",
    },
}
