"""UI strings of the real-tokens page (the paper's Figure 4 on WordLlama's token embeddings)."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.tokens": {"en": "Real tokens", "ja": "実在のトークン"},
    "tokens.title": {"en": "Do real token windows look like an AR process?", "ja": "実在のトークン列は AR 過程に見えるか"},
    "tokens.lead": {
        "en": "The paper's Figure 4: embed short windows of natural text, fit one matrix A with sₜ₊₁ = A·sₜ to each "
              "window by least squares, and compare the fitting error with windows whose tokens were shuffled across "
              "the text. If real text were AR-like, original windows would be fitted clearly better.",
        "ja": "論文の図 4：自然文の短い区間を埋め込み、各区間に sₜ₊₁ = A·sₜ となる行列 A を最小二乗で当てはめ、"
              "トークンを文章全体でシャッフルした区間と当てはめ誤差を比べます。実際の文章が AR 過程らしければ、"
              "元の区間のほうがはっきりよく当てはまるはずです。",
    },
    "tokens.spinner": {"en": "Fitting {windows:,} windows of real text (once per server, about 10 s)…",
                       "ja": "実際の文章の {windows:,} 区間を当てはめています（サーバーごとに 1 回、約 10 秒）…"},
    "tokens.unavailable": {
        "en": "The token embeddings could not be read, so this page cannot run: {reason}.",
        "ja": "トークン埋め込みを読み込めないため、このページは実行できません：{reason}。",
    },
    "tokens.verdict.holds": {
        "en": "Real text looks AR-like: original windows are fitted far better than shuffled ones, also where the fit "
              "is over-determined (ratio {ratio}, n = {n:,}).",
        "ja": "実際の文章は AR 過程らしく見えます：当てはめが過剰決定になる場合でも、元の区間はシャッフルした区間よりはるかに"
              "よく当てはまります（比 {ratio}、n = {n:,}）。",
    },
    "tokens.verdict.holds_weakly": {
        "en": "Real text is somewhat AR-like: original windows are fitted better than shuffled ones where the fit is "
              "over-determined, but not by much (ratio {ratio}, n = {n:,}).",
        "ja": "実際の文章はやや AR 過程らしい程度です：過剰決定の当てはめで元の区間のほうがよく当てはまりますが、差は大きく"
              "ありません（比 {ratio}、n = {n:,}）。",
    },
    "tokens.verdict.negligible": {
        "en": "Real text is barely more AR-like than random tokens: where the fit is over-determined, original windows "
              "are fitted better than shuffled ones by a few percent only (ratio {ratio}, n = {n:,}).",
        "ja": "実際の文章はランダムなトークンよりわずかに AR 過程らしいだけです：過剰決定の当てはめで、元の区間がシャッフルした"
              "区間よりよく当てはまるのは数パーセントにすぎません（比 {ratio}、n = {n:,}）。",
    },
    "tokens.verdict.not_supported": {
        "en": "Real text does not look AR-like here: once the fit is over-determined, original windows are not fitted "
              "better than shuffled ones (ratio {ratio}, n = {n:,}).",
        "ja": "ここでは実際の文章は AR 過程らしく見えません：当てはめが過剰決定になると、元の区間はシャッフルした区間より"
              "よく当てはまりません（比 {ratio}、n = {n:,}）。",
    },
    "tokens.source": {
        "en": "Embeddings: WordLlama's l2_supercat_256 token table (32,000 Llama-2 tokens in 256 dimensions), **not "
              "GPT-2's**, which cannot be downloaded here. Text: the English prose of CPython's documentation "
              "(pydoc_data), {tokens:,} tokens. Every token is scaled to unit length, as the authors do.",
        "ja": "埋め込み：WordLlama の l2_supercat_256 トークン表（Llama-2 の 32,000 トークン、256 次元）。ここでは"
              "ダウンロードできない **GPT-2 のものではありません**。文章：CPython のドキュメント（pydoc_data）の英文、"
              "{tokens:,} トークン。著者と同じく、各トークンを長さ 1 にそろえています。",
    },
    "tokens.section.authors": {"en": "The paper's test: windows of {window} tokens in {dim} dimensions",
                               "ja": "論文どおりの検定：{dim} 次元で {window} トークンの区間"},
    "tokens.section.over": {"en": "The over-determined test: windows of {window} tokens in {dim} dimensions",
                            "ja": "過剰決定の検定：{dim} 次元で {window} トークンの区間"},
    "tokens.authors_note": {
        "en": "With {transitions} transitions in {dim} dimensions, A has far more free entries than there are "
              "equations, so a window is fitted *exactly* whenever its tokens are linearly independent — whatever the "
              "text says. A window misses only when its tokens are linearly dependent; here {inexact} of the "
              "original windows that miss repeat a token.",
        "ja": "{dim} 次元で遷移が {transitions} 個しかないため、A の自由な成分は方程式よりはるかに多く、区間のトークンが線形独立"
              "なら文章の内容にかかわらず*厳密に*当てはまります。外れるのはトークンが線形従属な区間だけで、"
              "ここでは外れた元の区間のうち {inexact} がトークンを繰り返しています。",
    },
    "tokens.over_note": {
        "en": "Here each row of A has {dim} unknowns and {transitions} equations, so no window is fitted exactly and "
              "the error measures how well one matrix carries each token to the next. Embeddings are reduced to their "
              "top {dim} principal directions of this text.",
        "ja": "ここでは A の各行の未知数が {dim} 個、方程式が {transitions} 個なので、厳密に当てはまる区間はなく、誤差は 1 つの行列が"
              "各トークンを次のトークンへどれだけうまく運ぶかを測ります。埋め込みはこの文章の主成分の上位 {dim} 方向に"
              "縮約しています。",
    },
    "tokens.card.exact": {"en": "Fitted exactly — original", "ja": "厳密に当てはまる割合 — 元"},
    "tokens.card.exact_shuffled": {"en": "Fitted exactly — shuffled", "ja": "厳密に当てはまる割合 — シャッフル"},
    "tokens.card.exact_help": {
        "en": "Share of windows whose one-step least-squares residual is below {limit:g} of their size, with its 95% "
              "interval over {n:,} windows.",
        "ja": "1 ステップの最小二乗残差が区間の大きさの {limit:g} 未満である区間の割合（{n:,} 区間での 95% 区間付き）。",
    },
    "tokens.card.repeat": {"en": "Windows with a repeated token — original", "ja": "トークンが繰り返される区間 — 元"},
    "tokens.card.repeat_shuffled": {"en": "Windows with a repeated token — shuffled",
                                    "ja": "トークンが繰り返される区間 — シャッフル"},
    "tokens.card.repeat_help": {
        "en": "Share of windows whose first {fitted} tokens contain the same token twice (then no exact fit exists).",
        "ja": "最初の {fitted} トークンに同じトークンが 2 回現れる区間の割合（このとき厳密な当てはめは存在しません）。",
    },
    "tokens.card.ratio": {"en": "Median roll-out error of the inexact fits, original / shuffled",
                          "ja": "厳密に当てはまらない区間のロールアウト誤差の中央値 元 / シャッフル"},
    "tokens.card.ratio_help": {
        "en": "The paper's measure: the mean squared difference between the window and A^t·s_0, median over the "
              "original windows not fitted exactly divided by the median over the shuffled ones not fitted exactly "
              "(1 = no difference), with its 95% interval; n counts both. An exact fit's error is rounding noise, "
              "so it is left out, as the paper's histogram leaves out errors ≤ 1e-12.",
        "ja": "論文の指標：区間と A^t·s_0 の平均二乗差。厳密に当てはまらない元の区間の中央値を、厳密に当てはまらない"
              "シャッフルした区間の中央値で割ったもの（1 = 差なし）、95% 区間付き。n は両方の数。厳密な当てはめの誤差は"
              "丸め誤差なので除きます（論文のヒストグラムも 1e-12 以下の誤差を除いています）。",
    },
    "tokens.card.residual_ratio": {"en": "Median one-step residual, original / shuffled",
                                   "ja": "1 ステップ残差の中央値 元 / シャッフル"},
    "tokens.card.residual_ratio_help": {
        "en": "The relative least-squares residual ||X·Aᵀ − Y|| / ||Y|| of each window, median over original windows "
              "divided by the median over shuffled ones (1 = no difference), with its 95% interval over {n:,} windows.",
        "ja": "各区間の相対最小二乗残差 ||X·Aᵀ − Y|| / ||Y||。元の区間の中央値をシャッフルした区間の中央値で割ったもの"
              "（1 = 差なし）、{n:,} 区間での 95% 区間付き。",
    },
    "tokens.series.original": {"en": "original windows", "ja": "元の区間"},
    "tokens.series.shuffled": {"en": "shuffled tokens", "ja": "シャッフルしたトークン"},
    "tokens.chart.rollout": {"en": "Roll-out error of the windows not fitted exactly",
                             "ja": "厳密に当てはまらない区間のロールアウト誤差"},
    "tokens.chart.residual": {"en": "One-step residual of every window", "ja": "全区間の 1 ステップ残差"},
    "tokens.axis.log_mse": {"en": "log10 of the mean squared error", "ja": "平均二乗誤差の log10"},
    "tokens.axis.log_residual": {"en": "log10 of the relative residual", "ja": "相対残差の log10"},
    "tokens.axis.windows": {"en": "windows", "ja": "区間の数"},
    "tokens.hidden": {
        "en": "As in the paper, windows with an error of at most {limit:g} (fitted exactly) are not drawn: {original:,} "
              "of {n:,} original and {shuffled:,} of {n:,} shuffled windows.",
        "ja": "論文と同じく、誤差が {limit:g} 以下（厳密に当てはまる）の区間は描いていません：元 {n:,} 区間のうち {original:,}、"
              "シャッフル {n:,} 区間のうち {shuffled:,}。",
    },
    "tokens.how": {
        "en": "Each bar counts windows by the size of their fitting error (log scale: one step to the left is ten "
              "times smaller). Blue: windows cut from the text as written; orange: the same tokens shuffled. If "
              "real text followed sₜ₊₁ = A·sₜ, the blue bars would sit clearly to the left. The verdict reads the "
              "over-determined test, because in the paper's own test a window fits exactly whenever its tokens are "
              "linearly independent. icar's dynamics "
              "pages study *synthetic* AR processes; this page asks whether real text resembles them.",
        "ja": "各棒は当てはめ誤差の大きさごとの区間数です（対数目盛：左へ 1 目盛で 10 分の 1）。青は文章のとおりに切り出した区間、"
              "オレンジは同じトークンをシャッフルしたものです。実際の文章が sₜ₊₁ = A·sₜ に従うなら、青い棒ははっきり左に"
              "寄るはずです。論文どおりの検定ではトークンが線形独立なら区間は厳密に当てはまるため、判定は過剰決定の検定で行います。"
              "icar の他のページは*人工的な* AR 過程を調べており、このページは実際の文章がそれに似ているかを問います。",
    },
}
