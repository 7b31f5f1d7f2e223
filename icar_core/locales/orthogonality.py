"""UI strings of the orthogonality area (the Head-orthogonality page)."""

STRINGS: dict[str, dict[str, str]] = {
    "orth.title": {"en": "Head orthogonality: do the heads split the work?", "ja": "ヘッドの直交性：ヘッドは仕事を分担しているか"},
    "orth.lead": {
        "en": "With plain tokens and several heads, the paper finds that all heads together form a very simple matrix "
              "C = Bᵀ A, and, for unitary rules, that the heads point in different directions. This page measures both "
              "on the selected run, and whether the heads' overlap is fixed by the solution at all.",
        "ja": "通常のトークンと複数のヘッドでは、全ヘッドを合わせると非常に単純な行列 C = Bᵀ A になり、ユニタリな規則では各ヘッドが"
              "異なる方向を向くことを論文は示しています。このページでは、選んだモデルで両方を測り、ヘッドの重なりがそもそも解によって決まるかも確かめます。",
    },
    "orth.na.pe_only": {
        "en": "it is a positional-encoding-only run, which has no heads to compare",
        "ja": "位置エンコーディングのみのモデルで、比べるヘッドがありません",
    },
    "orth.na.augmented": {
        "en": "it is an augmented-token run with a single head, and orthogonality compares two or more heads",
        "ja": "ヘッドが 1 つだけの拡張トークンのモデルで、直交性は 2 つ以上のヘッドを比べるものです",
    },
    "orth.na.augmented_heads": {
        "en": "it is an augmented-token run: the paper measures head orthogonality on runs with plain tokens, and an "
              "augmented run's heads are compared with one gradient-descent step instead (page “Model vs gradient descent”)",
        "ja": "拡張トークンのモデルで、論文はヘッドの直交性を通常のトークンのモデルで測っており、拡張トークンのモデルのヘッドは"
              "代わりに「モデルと勾配降下法」のページで勾配降下法 1 ステップと比べます",
    },
    "orth.na.single_head": {
        "en": "it has a single head, and orthogonality compares two or more heads",
        "ja": "ヘッドが 1 つだけで、直交性は 2 つ以上のヘッドを比べるものです",
    },
    "orth.cosines.title": {"en": "How much the heads overlap", "ja": "ヘッド同士の重なり"},
    "orth.metric.score": {"en": "Overlap score", "ja": "重なりのスコア"},
    "orth.metric.score_help": {
        "en": "Mean of |cosine| over all pairs of different heads, averaged over the circuits: 0 means every pair is "
              "orthogonal, 1 that all heads point the same way. This is the number in the verdict.",
        "ja": "異なるヘッドの全ペアの |コサイン| の平均を、回路についてさらに平均したもの。0 はすべてのペアが直交、"
              "1 は全ヘッドが同じ向きであることを表します。判定文の数値です。",
    },
    "orth.metric.circuit_score": {"en": "Mean |cosine| of {circuit}", "ja": "{circuit} の |コサイン| 平均"},
    "orth.metric.circuit_score_help": {
        "en": "Mean |cosine| over all pairs of different heads for {circuit} alone.",
        "ja": "{circuit} だけについての、異なるヘッドの全ペアの |コサイン| の平均。",
    },
    "orth.metric.worst": {"en": "Most similar pair ({circuit})", "ja": "最も似たペア（{circuit}）"},
    "orth.worst_value": {"en": "heads {a} & {b}", "ja": "ヘッド {a} と {b}"},
    "orth.metric.worst_help": {
        "en": "The cosine of the two heads that point most nearly the same (or opposite) way; below it, which heads.",
        "ja": "最も同じ向き（または逆向き）に近い 2 つのヘッドのコサイン。下はそのヘッドの番号です。",
    },
    "orth.compare_random": {
        "en": "For comparison, heads pointing in random directions would score about {random}.",
        "ja": "比較のため：ランダムな方向を向くヘッドならスコアはおよそ {random} です。",
    },
    "orth.compare": {
        "en": "For comparison, heads pointing in random directions would score about {random}; the authors' optimised "
              "heads score {unitary} (unitary case, rows of A) and {orthogonal} (real rotations, rows of A).",
        "ja": "比較のため：ランダムな方向を向くヘッドならスコアはおよそ {random}。著者らが最適化したヘッドは {unitary}"
              "（ユニタリの場合、A の行）、{orthogonal}（実数の回転の場合、A の行）です。",
    },
    "orth.zero_heads": {
        "en": "In {circuit}, {heads} are zero (no direction); their cosines count as 0, which lowers the score.",
        "ja": "{circuit} では {heads} がゼロ（方向なし）です。そのコサインは 0 と数えられ、スコアを下げます。",
    },
    "orth.circuit.A": {"en": "A: query–key vectors", "ja": "A：クエリ・キーのベクトル"},
    "orth.circuit.B": {"en": "B: value vectors", "ja": "B：値のベクトル"},
    "orth.circuit.W_QK": {"en": "W_QK: where each head looks", "ja": "W_QK：各ヘッドがどこを見るか"},
    "orth.circuit.W_OV": {"en": "W_OV: what each head copies", "ja": "W_OV：各ヘッドが何を写すか"},
    "orth.cosines.chart": {"en": "Cosine between every two heads", "ja": "2 つのヘッドごとのコサイン"},
    "orth.cosine": {"en": "cosine", "ja": "コサイン"},
    "orth.C.title": {"en": "All heads together: C = Bᵀ A against the paper's structure",
                     "ja": "全ヘッドの合計：C = Bᵀ A と論文の構造の比較"},
    "orth.metric.structure": {"en": "Closest structure", "ja": "最も近い構造"},
    "orth.metric.structure_help": {
        "en": "The better of the two optima in the paper: c·I (unitary rules) or c·(I + S), 2×2 blocks of equal "
              "entries (real rotations), with the best c.",
        "ja": "論文の 2 つの最適解のうち近い方：c·I（ユニタリの規則）または c·(I + S)（実数の回転、等しい値の 2×2 ブロック）。"
              "c は最適な値です。",
    },
    "orth.metric.error": {"en": "C's distance to it", "ja": "C からの距離"},
    "orth.metric.error_help": {
        "en": "‖C − fit‖ / ‖C‖ (Frobenius norms): 0% is an exact match.",
        "ja": "‖C − 当てはめ‖ / ‖C‖（フロベニウスノルム）。0% は完全一致です。",
    },
    "orth.metric.other_error": {"en": "Distance to {template}", "ja": "{template} からの距離"},
    "orth.metric.ratio": {"en": "How decisive", "ja": "判別の明確さ"},
    "orth.metric.ratio_help": {
        "en": "The other structure's distance divided by the closest one's: far above 1 means C clearly has one "
              "structure and not the other.",
        "ja": "もう一方の構造の距離を、近い方の距離で割ったもの。1 よりずっと大きければ、C ははっきりと一方の構造を持っています。",
    },
    "orth.C.panel_C": {"en": "C = Bᵀ A (trained)", "ja": "C = Bᵀ A（学習結果）"},
    "orth.C.panel_fit": {"en": "best fit {template}", "ja": "最適な当てはめ {template}"},
    "orth.C.panel_residual": {"en": "residual C − fit", "ja": "残差 C − 当てはめ"},
    "orth.C.chart": {"en": "C, its best fit and what is left (one colour scale)",
                     "ja": "C、その最適な当てはめ、残り（共通の色スケール）"},
    "orth.meaning.scaled_identity": {
        "en": "**What it means.** All heads together act as {c}·I: comparing coordinate j feeds only the prediction "
              "of coordinate j, with the same weight for every coordinate — the paper's optimum for unitary rules "
              "(the authors' arrays: −1.20·I; the sign and size trade off against the positional weights P). "
              "Mean |cosine| between the heads: {score} (0 = orthogonal).",
        "ja": "**意味。** 全ヘッドを合わせると {c}·I として働きます。座標 j の比較は座標 j の予測だけに、すべての座標で同じ重みで"
              "効きます。これはユニタリの規則に対する論文の最適解です（著者らの配列：−1.20·I。符号と大きさは位置の重み P と"
              "打ち消し合うように決まります）。ヘッド間の |コサイン| の平均：{score}（0 = 直交）。",
    },
    "orth.meaning.rotation_blocks": {
        "en": "**What it means.** All heads together act as {c}·(I + S): inside each rotation plane, comparing either "
              "coordinate feeds both — 2×2 blocks of equal entries, the paper's optimum for real rotations. "
              "**Caveat:** in this case the raw head vectors are *not* orthogonal (mean |cosine| {score} here); the "
              "structure lives in C, not in the individual heads.",
        "ja": "**意味。** 全ヘッドを合わせると {c}·(I + S) として働きます。各回転平面の中で、どちらの座標の比較も両方の座標に効きます。"
              "等しい値の 2×2 ブロックで、実数の回転に対する論文の最適解です。**注意：** この場合、個々のヘッドのベクトルは直交"
              "*していません*（ここでは |コサイン| の平均 {score}）。構造は個々のヘッドではなく C に現れます。",
    },
    "orth.meaning.paper_rotation": {
        "en": "The authors' optimised arrays behave the same way (mean |cosine| {paper} between their heads).",
        "ja": "著者らが最適化した配列も同じです（ヘッド間の |コサイン| の平均 {paper}）。",
    },
    "orth.meaning.none": {
        "en": "**What it means.** C is not (yet) close to either of the paper's structures: even the closest one is "
              "off by {error}% of C's size. The run may need more training.",
        "ja": "**意味。** C は論文のどちらの構造にも（まだ）近くありません。近い方でも C の大きさの {error}% ずれています。"
              "さらに学習が必要かもしれません。",
    },
    "orth.full_heads_note": {
        "en": "These heads are full matrices, not diagonal vectors, so there is no C = Bᵀ A to compare with the "
              "paper's structure; the cosines above compare the heads' flattened circuits.",
        "ja": "このモデルのヘッドは対角ベクトルではなく行列なので、論文の構造と比べる C = Bᵀ A はありません。上のコサインは、"
              "各ヘッドの回路を 1 列に並べたベクトル同士を比べたものです。",
    },
    "orth.how": {
        "en": "**Cosine between two heads.** Write each head's weights as one long list of numbers (a direction); the "
              "cosine of the angle between two such directions is 1 when they point the same way, −1 when opposite "
              "and 0 when they are orthogonal — the heads then do unrelated work. **Overlap score.** The mean of "
              "|cosine| over all pairs of different heads; near 0 means the heads split the work. **A and B.** A "
              "diagonal head is two vectors: a_h (which coordinates it compares) and b_h (which it writes). "
              "**C = Bᵀ A.** The sum over heads of b_h a_hᵀ: what all heads do together. **c·I.** A multiple of the "
              "identity matrix: every coordinate is treated alike and on its own. **c·(I + S).** S swaps the two "
              "coordinates of each rotation plane, so C is made of 2×2 blocks of equal entries. **Residual.** What is "
              "left of C after subtracting the fit, drawn on the same colour scale: white means nothing is left.",
        "ja": "**2 つのヘッドのコサイン。** 各ヘッドの重みを 1 列の数の並び（方向）として書き、2 つの方向のなす角のコサインを取ります。"
              "同じ向きなら 1、逆向きなら −1、直交していれば 0 で、そのときヘッドは互いに関係のない仕事をしています。"
              "**重なりのスコア。** 異なるヘッドの全ペアの |コサイン| の平均。0 に近いほどヘッドが仕事を分担しています。"
              "**A と B。** 対角ヘッドは 2 つのベクトル、a_h（比べる座標）と b_h（書き込む座標）です。**C = Bᵀ A。** b_h a_hᵀ の"
              "全ヘッドについての和で、全ヘッドが合わせて行うことを表します。**c·I。** 単位行列の定数倍：すべての座標を同じように、"
              "それぞれ独立に扱います。**c·(I + S)。** S は各回転平面の 2 つの座標を入れ替える行列で、C は等しい値の 2×2 ブロック"
              "でできています。**残差。** C から当てはめを引いた残りを同じ色スケールで描いたもの。白なら何も残っていません。",
    },
}
