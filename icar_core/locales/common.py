"""UI strings shared by every page: sidebar, navigation, errors, export."""

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "icar — in-context autoregressive learning", "ja": "icar — 文脈内自己回帰学習"},
    "sidebar.language": {"en": "Language", "ja": "言語"},
    "sidebar.run": {"en": "Trained run", "ja": "学習済みモデル"},
    "sidebar.run_help": {
        "en": "Every page shows this run. Runs are grouped by model kind.",
        "ja": "すべてのページがこのモデルを表示します。モデルの種類ごとに並んでいます。",
    },
    "sidebar.upload": {"en": "Open your own checkpoint (.pt)", "ja": "自分のチェックポイント（.pt）を開く"},
    "sidebar.upload_help": {
        "en": "A file written by `python -m icar_core.train`. It is checked exactly like the shipped runs; "
              "nothing in it is executed.",
        "ja": "`python -m icar_core.train` で書き出したファイルです。同梱のモデルと同じ検査を行い、"
              "ファイル内のコードは一切実行しません。",
    },
    "sidebar.upload_ok": {"en": "Loaded {name} from your file.", "ja": "ファイルから {name} を読み込みました。"},
    "sidebar.upload_failed": {
        "en": "This file could not be opened: {reason}",
        "ja": "このファイルは開けませんでした：{reason}",
    },
    "sidebar.failed_title": {"en": "{count} file(s) could not be loaded", "ja": "{count} 件のファイルを読み込めませんでした"},
    "sidebar.no_runs": {
        "en": "No trained runs were found in checkpoints/. Train one with `python -m icar_core.train --all-presets`.",
        "ja": "checkpoints/ に学習済みモデルがありません。`python -m icar_core.train --all-presets` で学習してください。",
    },
    "kind.augmented": {"en": "Augmented tokens", "ja": "拡張トークン"},
    "kind.multihead": {"en": "Multi-head", "ja": "マルチヘッド"},
    "kind.pe_only": {"en": "Positional encodings only", "ja": "位置エンコーディングのみ"},
    "kind.authors_augmented": {"en": "The authors' augmented model (Figure 5)", "ja": "著者らの拡張トークンモデル（図 5）"},
    "kind.authors_multihead": {"en": "The authors' multi-head model (Figure 7)", "ja": "著者らのマルチヘッドモデル（図 7）"},
    "common.how_to_read": {"en": "How to read this", "ja": "この図の読み方"},
    "common.not_applicable": {
        "en": "This view does not apply to the run “{run}”: {reason}. Pick another run in the sidebar.",
        "ja": "この表示はモデル「{run}」には当てはまりません（{reason}）。サイドバーで別のモデルを選んでください。",
    },
    "common.shows_finding_run": {
        "en": "This page does not apply to the selected run “{run}” ({reason}), so it shows “{shown}”, the run of "
              "finding {number}.",
        "ja": "このページは選択中のモデル「{run}」には当てはまらないため（{reason}）、所見 {number} のモデル「{shown}」を"
              "表示しています。",
    },
    "common.way_back": {"en": "Back, with “{run}”", "ja": "「{run}」のまま戻る"},
    # The address of a view (icar_core.url_state): the link, and one notice per key of an address that is ignored.
    "url.link": {"en": "Link to this view", "ja": "この表示へのリンク"},
    "url.link_help": {
        "en": "Page, run, language and the page's controls: opening the link, here or on another computer running "
              "icar, shows the same view.",
        "ja": "ページ・モデル・言語・ページの操作がすべて含まれ、このリンクを開くと（icar を動かす別のコンピューターでも）同じ表示になります。",
    },
    "url.copy": {"en": "Copy link", "ja": "リンクをコピー"},
    "url.copied": {"en": "Copied", "ja": "コピーしました"},
    "url.bad_value": {
        "en": "The link's “{name}={value}” was ignored: {allowed}. The page's default is shown instead.",
        "ja": "リンクの「{name}={value}」は無視しました（{allowed}）。代わりにページの既定値を表示しています。",
    },
    "url.unknown_run": {
        "en": "The link's run “{value}” ({name}) is not among the runs here, so it was ignored.",
        "ja": "リンクのモデル「{value}」（{name}）はここにないため無視しました。",
    },
    "url.upload_absent": {
        "en": "The link's run “{value}” ({name}) was uploaded in another browser session; uploads stay in the session that "
              "made them. Upload the file again to see it.",
        "ja": "リンクのモデル「{value}」（{name}）は別のブラウザーのセッションでアップロードされたものです。アップロードはそのセッション"
              "にだけ残ります。見るにはもう一度アップロードしてください。",
    },
    "url.repeated": {
        "en": "The link gives “{name}” {count} times, so it was ignored and the page's default is shown.",
        "ja": "リンクに「{name}」が {count} 回あるため無視し、ページの既定値を表示しています。",
    },
    "url.not_for_run": {
        "en": "The link's “{name}={value}” was ignored: the run shown here has no such control.",
        "ja": "リンクの「{name}={value}」は無視しました。ここで表示しているモデルにはその操作がありません。",
    },
    "url.unknown_key": {
        "en": "The link's “{name}” is not a setting of this page and was ignored.",
        "ja": "リンクの「{name}」はこのページの設定ではないため無視しました。",
    },
    "url.allowed.int": {"en": "a whole number from {low} to {high}", "ja": "{low} から {high} までの整数"},
    "url.allowed.float": {"en": "a number from {low} to {high}", "ja": "{low} から {high} までの数"},
    "url.allowed.floats": {
        "en": "{count} numbers from {low} to {high}, separated by commas",
        "ja": "{low} から {high} までの数を {count} 個、カンマ区切りで",
    },
    "url.allowed.bool": {"en": "1 (on) or 0 (off)", "ja": "1（オン）か 0（オフ）"},
    "url.allowed.choice": {"en": "one of {choices}", "ja": "{choices} のいずれか"},
    "url.allowed.run": {"en": "a run listed in the sidebar", "ja": "サイドバーにあるモデル"},
    "url.allowed.runs": {"en": "each run once", "ja": "各モデルは 1 回ずつ"},
    "common.not_applicable_plain": {
        "en": "This view does not apply to the run “{run}”. Pick another run in the sidebar.",
        "ja": "この表示はモデル「{run}」には当てはまりません。サイドバーで別のモデルを選んでください。",
    },
    "common.download_png": {"en": "Download as PNG, for slides", "ja": "PNG でダウンロード（スライド用）"},
    "common.download_svg": {"en": "Download as SVG, for papers", "ja": "SVG でダウンロード（論文用）"},
    "common.error": {
        "en": "Something went wrong while drawing this page: {reason}",
        "ja": "このページの描画中に問題が起きました：{reason}",
    },
    "nav.home": {"en": "Home", "ja": "ホーム"},
    "nav.gd": {"en": "Model vs gradient descent", "ja": "モデルと勾配降下法"},
    "nav.heads": {"en": "Heads", "ja": "ヘッド"},
    "nav.orthogonality": {"en": "Head orthogonality", "ja": "ヘッドの直交性"},
    "nav.positions": {"en": "Positional encodings", "ja": "位置エンコーディング"},
    "nav.training": {"en": "Training", "ja": "学習の経過"},
    "nav.paper": {"en": "Paper reference", "ja": "論文の再現"},
    "nav.tour": {"en": "Tour", "ja": "ツアー"},
}
