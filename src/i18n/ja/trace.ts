/** メッセージトレース（ingest, trace, show）の文言です。 */
export const trace: Record<string, string> = {
  "trace.ingest-summary": "{files} 個のファイルから {lines} 行を読み込みました。新しいイベント {events} 件、新しいメッセージ {messages} 件、解析できなかった行 {unparsed} 行、他のプログラムの行 {other} 行です。",
  "trace.follow-status": "追跡中: 追加された行 {lines} 行、新しいメッセージ {messages} 件（Ctrl-C で終了）",
  "trace.ingest-resumed": "（{resumed} 個のファイルは前回の取り込みが終わった位置から続きを読み、{unchanged} 個は前回から変わっていませんでした。最初から読み直すには --from-start を付けてください）",
  "trace.ingest-dry-run": "（試し読みのため、何も保存していません）",
  "trace.ingest-unparsed-line": "解析できなかった行: {line}",
  "trace.no-rows": "条件に合うメッセージはありません（既定の検索範囲は直近 48 時間です。--since 7d などで広げてください）。",
  "trace.more-rows": "新しい順に {n} 行を表示しました。ほかにも該当する行があります。条件を絞るか --limit を増やしてください。",
  "trace.not-found": "キュー ID または Message-ID が {key} のメッセージは保存されていません。",
  "trace.show-message": "メッセージ",
  "trace.show-recipients": "宛先",
  "trace.show-orig-to": "送信時の宛先 {address}",
  "trace.show-events": "経過",
  "trace.link.relay": "次の中継先へ引き渡し",
  "trace.link.bounce": "通知メール",
  "trace.link.forward": "転送",
};
