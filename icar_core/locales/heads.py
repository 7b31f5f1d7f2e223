"""UI strings of the heads area (the Heads page)."""

STRINGS: dict[str, dict[str, str]] = {
    "heads.title": {"en": "Heads: what each attention head has learned", "ja": "ヘッド：各アテンションヘッドが学んだもの"},
    "heads.lead": {
        "en": "Each head of the attention layer is a few small weight matrices. This page draws them, one head large "
              "or all heads side by side, so you can see which parts of a token each head reads and writes.",
        "ja": "アテンション層の各ヘッドは、いくつかの小さな重み行列でできています。このページではそれらを 1 つのヘッドを大きく、"
              "またはすべてのヘッドを並べて描き、各ヘッドがトークンのどの部分を読み、どこに書き込むかを示します。",
    },
    "heads.na.pe_only": {
        "en": "it is a positional-encoding-only run, which has no learned heads, only the positional weights P "
              "(see the page “Positional encodings”)",
        "ja": "位置エンコーディングのみのモデルで、学習されたヘッドはなく位置の重み P だけを持ち、"
              "P は「位置エンコーディング」のページで見られます",
    },
    "heads.head_word": {"en": "head", "ja": "ヘッド"},
    "heads.value": {"en": "weight", "ja": "重み"},
    # Verdicts of runs that Finding 2 does not cover (diagonal multi-head runs use verdict.heads.*).
    "heads.verdict.one": {
        "en": "This run has one head. Its stronger circuit is {circuit} (size {norm}, Frobenius norm).",
        "ja": "このモデルのヘッドは 1 つです。強い方の回路は {circuit} です（大きさ {norm}、フロベニウスノルム）。",
    },
    "heads.verdict.many": {
        "en": "This run has {heads} heads. The strongest circuit is {circuit} of head {head} (size {norm}, "
              "{share}% of that circuit's total over all heads).",
        "ja": "このモデルには {heads} 個のヘッドがあります。最も強い回路はヘッド {head} の {circuit} です"
              "（大きさ {norm}、全ヘッドにわたるその回路の合計の {share}%）。",
    },
    "heads.verdict.block": {
        "en": "This run has the paper's block structure (H = {heads}). Summed over the heads, its value and "
              "key–query blocks combine into V·KᵀQ = {c}·I (off by {error}% of its size), and every head's blocks "
              "commute with the rules W (the part that does not is at most {commutator}%): together that makes the "
              "layer one gradient-descent step with a single step size. Strongest circuit: {circuit} of head {head} "
              "(size {norm}).",
        "ja": "このモデルは論文のブロック構造を持ちます（ヘッド数 H = {heads}）。全ヘッドについて足し合わせると、値ブロックとキー・"
              "クエリブロックの積は V·KᵀQ = {c}·I（ずれは大きさの {error}%）になり、各ヘッドのブロックは規則 W と可換です"
              "（可換でない部分は最大 {commutator}%）。この二つがそろうと、層は一つのステップ幅による勾配降下法 1 ステップになります。"
              "最も強い回路：ヘッド {head} の {circuit}（大きさ {norm}）。",
    },
    "heads.verdict.block_bad": {
        "en": "This run has the paper's block structure (H = {heads}), but summed over the heads its value and "
              "key–query blocks do not combine into a multiple of the identity: nearest {c}·I, off by {error}% (one "
              "gradient-descent step needs less than {max}%). Strongest circuit: {circuit} of head {head} (size {norm}).",
        "ja": "このモデルは論文のブロック構造を持ちます（ヘッド数 H = {heads}）が、全ヘッドについて足し合わせても値とキー・クエリの"
              "ブロックの積は単位行列の定数倍になっていません：最も近い {c}·I からのずれは {error}% です（勾配降下法 1 ステップには "
              "{max}% 未満が必要）。最も強い回路：ヘッド {head} の {circuit}（大きさ {norm}）。",
    },
    "heads.verdict.block_noncommuting": {
        "en": "This run has the paper's block structure (H = {heads}). Summed over the heads, V·KᵀQ = {c}·I (off "
              "by {error}%), but the value and key–query blocks do not commute with the rules W (up to {commutator}% "
              "does not; one gradient-descent step needs less than {max}%), so the product alone does not make the "
              "layer one GD step. Strongest circuit: {circuit} of head {head} (size {norm}).",
        "ja": "このモデルは論文のブロック構造を持ちます（ヘッド数 H = {heads}）。全ヘッドについて足し合わせると V·KᵀQ = {c}·I"
              "（ずれは {error}%）ですが、値とキー・クエリのブロックが規則 W と可換ではありません（可換でない部分が最大 "
              "{commutator}%。勾配降下法 1 ステップには {max}% 未満が必要）。そのため積だけでは層が勾配降下法 1 ステップとは言えません。"
              "最も強い回路：ヘッド {head} の {circuit}（大きさ {norm}）。",
    },
    # Metrics.
    "heads.metric.heads": {"en": "Heads", "ja": "ヘッドの数"},
    "heads.metric.strongest": {"en": "Strongest head", "ja": "最も強いヘッド"},
    "heads.delta.circuit": {"en": "circuit {circuit}", "ja": "回路 {circuit}"},
    "heads.metric.strongest_help": {
        "en": "The head whose circuit (named below the value) has the largest weights (Frobenius norm: the square root "
              "of the sum of squared entries). For diagonal heads a head's circuit is b_h a_hᵀ.",
        "ja": "回路（値の下に表示）の重みが最も大きいヘッド（フロベニウスノルム：成分の二乗和の平方根）。対角ヘッドでは各ヘッドの"
              "回路は b_h a_hᵀ です。",
    },
    "heads.metric.norm": {"en": "Its size", "ja": "その大きさ"},
    "heads.metric.norm_help": {
        "en": "The strongest circuit's Frobenius norm: the square root of the sum of its squared entries; compare it "
              "with the other heads' sizes.",
        "ja": "最も強い回路のフロベニウスノルム（成分の二乗和の平方根）。他のヘッドの大きさと比べてください。",
    },
    "heads.metric.share": {"en": "Its share of all heads", "ja": "全ヘッドに占める割合"},
    "heads.metric.share_help": {
        "en": "Its size divided by the summed sizes of the same circuit over all heads (100% with one head; "
              "1/H if every head is equally strong).",
        "ja": "その大きさを、全ヘッドの同じ回路の大きさの合計で割ったもの（ヘッドが 1 つなら 100%、すべて同じ強さなら 1/H）。",
    },
    "heads.metric.preconditioner": {"en": "Nearest c·I", "ja": "最も近い c·I"},
    "heads.metric.preconditioner_help": {
        "en": "The multiple of the identity c·I closest to this head's product V·KᵀQ (c = its mean diagonal entry).",
        "ja": "このヘッドの積 V·KᵀQ に最も近い単位行列の定数倍 c·I（c は対角成分の平均）。",
    },
    "heads.preconditioner_caption": {
        "en": "This head's V·KᵀQ differs from {c}·I by {error}% of its size. What makes the layer one "
              "gradient-descent step is the sum of V·KᵀQ over the heads (H = {heads}) — here {sum_c}·I, off by "
              "{sum_error}% — together with value and key–query blocks that commute with the rules W (the part that "
              "does not: at most {commutator}%). Both are below {max}%, so the step size is proportional to {sum_c}.",
        "ja": "このヘッドの V·KᵀQ と {c}·I の差は大きさの {error}% です。層を勾配降下法 1 ステップにするのは、全ヘッド"
              "（H = {heads}）にわたる V·KᵀQ の和（ここでは {sum_c}·I、ずれ {sum_error}%）と、規則 W と可換な値・キー・クエリのブロック"
              "（可換でない部分は最大 {commutator}%）の両方です。どちらも {max}% 未満なので、ステップ幅は {sum_c} に比例します。",
    },
    "heads.preconditioner_caption_not": {
        "en": "This head's V·KᵀQ differs from {c}·I by {error}% of its size. One gradient-descent step needs the sum of "
              "V·KᵀQ over the heads (H = {heads}) to be a multiple of the identity (here {sum_c}·I, off by {sum_error}%) "
              "and value and key–query blocks that commute with the rules W (here up to {commutator}% does not), each "
              "below {max}%: that does not hold for this run.",
        "ja": "このヘッドの V·KᵀQ と {c}·I の差は大きさの {error}% です。勾配降下法 1 ステップには、全ヘッド（H = {heads}）にわたる"
              " V·KᵀQ の和が単位行列の定数倍であること（ここでは {sum_c}·I、ずれ {sum_error}%）と、値・キー・クエリのブロックが規則 W "
              "と可換であること（ここでは可換でない部分が最大 {commutator}%）が、どちらも {max}% 未満で必要です。このモデルでは"
              "成り立っていません。",
    },
    # Controls and charts.
    "heads.pick_matrix": {"en": "Matrix", "ja": "行列"},
    "heads.pick_head": {"en": "Head", "ja": "ヘッド"},
    "heads.layout": {"en": "Show", "ja": "表示"},
    "heads.layout.one": {"en": "one head, large", "ja": "1 つのヘッドを大きく"},
    "heads.layout.all": {"en": "all heads side by side", "ja": "全ヘッドを並べて"},
    "heads.chart.one": {"en": "{matrix} of {head}", "ja": "{head} の {matrix}"},
    "heads.chart.all": {"en": "{matrix} of every head (one colour scale)", "ja": "全ヘッドの {matrix}（共通の色スケール）"},
    "heads.matrix.W_QK": {"en": "W_QK — what a query looks for in a key", "ja": "W_QK — クエリがキーの中に探すもの"},
    "heads.matrix.W_OV": {"en": "W_OV — what a token writes into the prediction",
                          "ja": "W_OV — トークンが予測に書き込むもの"},
    "heads.matrix.W_Q": {"en": "W_Q — query weights", "ja": "W_Q — クエリの重み"},
    "heads.matrix.W_K": {"en": "W_K — key weights", "ja": "W_K — キーの重み"},
    "heads.matrix.W_V": {"en": "W_V — value weights", "ja": "W_V — 値（バリュー）の重み"},
    "heads.matrix.preconditioner": {"en": "V·KᵀQ — the blocks combined (compared with c·I)",
                                    "ja": "V·KᵀQ — ブロックの積（c·I と比較）"},
    "heads.matrix.Q_blk": {"en": "Q block — query reads sₜ", "ja": "Q ブロック — クエリが sₜ を読む"},
    "heads.matrix.K_blk": {"en": "K block — key reads sₜ₋₁", "ja": "K ブロック — キーが sₜ₋₁ を読む"},
    "heads.matrix.V_blk": {"en": "V block — value reads sₜ", "ja": "V ブロック — 値が sₜ を読む"},
    "heads.about.W_QK": {
        "en": "W_QK = W_Qᵀ W_K: the attention score of a query token q and a key token k is qᵀ W_QK k. Rows: the "
              "query token's coordinates; columns: the key token's.",
        "ja": "W_QK = W_Qᵀ W_K：クエリトークン q とキートークン k のアテンションスコアは qᵀ W_QK k です。行はクエリトークンの座標、"
              "列はキートークンの座標です。",
    },
    "heads.about.W_OV": {
        "en": "W_OV: how each attended token is turned into the head's contribution to the predicted next state "
              "(rows: coordinates of the prediction ŝ).",
        "ja": "W_OV：注目されたトークンが、次の状態の予測へのヘッドの寄与にどう変換されるか（行は予測 ŝ の座標）。",
    },
    "heads.about.W_Q": {"en": "W_Q turns the current token into the query.", "ja": "W_Q は現在のトークンをクエリに変換します。"},
    "heads.about.W_K": {"en": "W_K turns each earlier token into a key.", "ja": "W_K は過去の各トークンをキーに変換します。"},
    "heads.about.W_V": {"en": "W_V turns each earlier token into the value it contributes.",
                        "ja": "W_V は過去の各トークンを、寄与する値に変換します。"},
    "heads.about.preconditioner": {
        "en": "V·KᵀQ is the product of the three blocks. The blocks themselves can rotate against each other without "
              "changing the model; this product cannot, so it is the fair thing to compare with c·I.",
        "ja": "V·KᵀQ は 3 つのブロックの積です。ブロック同士はモデルを変えずに互いに回転し合えますが、この積は変わらないため、"
              "c·I と比べるのに適した量です。",
    },
    "heads.about.Q_blk": {"en": "The query block: the only non-zero part of W_Q, reading sₜ.",
                          "ja": "クエリブロック：W_Q の中で唯一ゼロでない部分で、sₜ を読みます。"},
    "heads.about.K_blk": {"en": "The key block: the only non-zero part of W_K, reading sₜ₋₁.",
                          "ja": "キーブロック：W_K の中で唯一ゼロでない部分で、sₜ₋₁ を読みます。"},
    "heads.about.V_blk": {"en": "The value block: the only non-zero part of W_V, reading sₜ into the prediction.",
                          "ja": "値ブロック：W_V の中で唯一ゼロでない部分で、sₜ を読んで予測に書き込みます。"},
    "heads.blocks_caption": {
        "en": "Black lines separate the three blocks of a token (0 | sₜ | sₜ₋₁): the empty slot where the prediction "
              "is written, the current state and the previous state.",
        "ja": "黒い線はトークンの 3 つのブロック（0 | sₜ | sₜ₋₁）の境目です：予測が書き込まれる空の欄、現在の状態、直前の状態。",
    },
    "heads.diagonal.title": {"en": "Every head's two vectors", "ja": "各ヘッドの 2 つのベクトル"},
    "heads.diagonal.caption": {
        "en": "These {heads} heads are diagonal: each is two vectors of {m} numbers, a_h (which coordinates the head "
              "compares) and b_h (which coordinates it writes). One row per head; both panels share one colour scale.",
        "ja": "この {heads} 個のヘッドは対角型です。各ヘッドは {m} 個の数からなる 2 つのベクトル、a_h（ヘッドが比べる座標）と "
              "b_h（書き込む座標）です。1 行が 1 ヘッドで、2 つのパネルは同じ色スケールです。",
    },
    "heads.diagonal.A": {"en": "A: query–key vectors a_h", "ja": "A：クエリ・キーのベクトル a_h"},
    "heads.diagonal.B": {"en": "B: value vectors b_h", "ja": "B：値のベクトル b_h"},
    "heads.diagonal.C_title": {"en": "All heads together: C = Bᵀ A", "ja": "全ヘッドの合計：C = Bᵀ A"},
    "heads.diagonal.C": {"en": "C = Bᵀ A", "ja": "C = Bᵀ A"},
    "heads.paper_units": {
        "en": "icar stores A and B ×{scale} (its states have radius 1 per rotation plane, the paper's √2), so C here "
              "is {factor}× the paper's: c = {c} here is c = {c_paper} on the page “Paper reference”.",
        "ja": "icar は A と B を {scale} 倍で保持します（状態の半径が各回転面で 1、論文は √2）。そのためここでの C は論文の "
              "{factor} 倍で、ここでの c = {c} は「論文の再現」のページの c = {c_paper} にあたります。",
    },
    "heads.diagonal.C_caption": {
        "en": "C[i, j] = Σ_h b_h[i] a_h[j] adds up what every head does: how comparing coordinate j feeds the "
              "prediction of coordinate i. The page “Head orthogonality” compares it with the paper's structure.",
        "ja": "C[i, j] = Σ_h b_h[i] a_h[j] は全ヘッドの働きの合計で、座標 j の比較が座標 i の予測にどう効くかを表します。"
              "「ヘッドの直交性」のページで論文の構造と比べます。",
    },
    # Axis names.
    "heads.axis.head": {"en": "head", "ja": "ヘッド"},
    "heads.axis.coordinate": {"en": "coordinate", "ja": "座標"},
    "heads.axis.query_key_coordinate": {"en": "compared coordinate j (a)", "ja": "比べる座標 j（a）"},
    "heads.axis.value_coordinate": {"en": "written coordinate i (b)", "ja": "書き込む座標 i（b）"},
    "heads.axis.query_coordinate": {"en": "query coordinate", "ja": "クエリの座標"},
    "heads.axis.key_coordinate": {"en": "key coordinate", "ja": "キーの座標"},
    "heads.axis.value": {"en": "value coordinate", "ja": "値の座標"},
    "heads.axis.token": {"en": "token coordinate (0 | sₜ | sₜ₋₁)", "ja": "トークンの座標（0 | sₜ | sₜ₋₁）"},
    "heads.axis.query_token": {"en": "query token coordinate", "ja": "クエリトークンの座標"},
    "heads.axis.key_token": {"en": "key token coordinate", "ja": "キートークンの座標"},
    "heads.axis.prediction": {"en": "predicted coordinate", "ja": "予測する座標"},
    "heads.axis.state": {"en": "state coordinate", "ja": "状態の座標"},
    "heads.axis.query_state": {"en": "query state coordinate", "ja": "クエリの状態の座標"},
    "heads.axis.key_state": {"en": "key state coordinate", "ja": "キーの状態の座標"},
    "heads.how": {
        "en": "**Head.** One of several parallel attention units; each looks at the context in its own way and the "
              "model adds up their outputs. **Query, key, value.** The current token asks a question (query), every "
              "earlier token offers a label (key) and a content (value); a good query–key match means that token's "
              "value counts more. **Circuit.** A product of weights that acts as one map: W_QK decides *where* a head "
              "looks, W_OV decides *what* it copies. **Colours.** Red is positive, blue negative, white zero; one "
              "scale for all heads of a matrix, so equal colours mean equal numbers. Hover a cell for its value. "
              "**Token blocks.** With augmented tokens each token is (0, sₜ, sₜ₋₁): an empty slot for the answer, "
              "the current state and the previous one. **Diagonal heads.** Heads that only compare and copy matching "
              "coordinates, described by two vectors a_h and b_h instead of full matrices.",
        "ja": "**ヘッド。** 並列に働くアテンションの単位の一つ。各ヘッドが独自の見方で文脈を見て、モデルはそれらの出力を足し合わせます。"
              "**クエリ・キー・値。** 現在のトークンが質問（クエリ）を出し、過去の各トークンがラベル（キー）と中身（値）を出します。"
              "クエリとキーがよく合うほど、そのトークンの値が重く数えられます。**回路。** 一つの写像として働く重みの積です。"
              "W_QK はヘッドが*どこを*見るか、W_OV は*何を*写すかを決めます。**色。** 赤は正、青は負、白はゼロです。"
              "同じ行列の全ヘッドで色スケールは共通なので、同じ色は同じ値を表します。セルにカーソルを合わせると値が出ます。"
              "**トークンのブロック。** 拡張トークンでは各トークンが (0, sₜ, sₜ₋₁)：答えを書く空の欄、現在の状態、直前の状態です。"
              "**対角ヘッド。** 対応する座標どうしだけを比べて写すヘッドで、行列の代わりに 2 つのベクトル a_h と b_h で表されます。",
    },
}
