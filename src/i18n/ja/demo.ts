/** デモ(`npm start` / `mailtrace demo`)の文言。 */
export const demo: Record<string, string> = {
  "demo.wrote-log": "デモ用の Postfix ログを作成しました: {lines} 行、現在までの {hours} 時間に {messages} 通の受付があります。ファイル: {path}",
  "demo.ingesting": "{store} に取り込んでいます...",
  "demo.summary": "直近 48 時間: トレース行は {rows} 件です({counts})。",
  "demo.summary-capped": "直近 48 時間: トレース行は {rows} 件以上あります({counts})。",
  "demo.newest": "新しい順に {n} 件を表示します:",
  "demo.no-rows": "直近 48 時間のトレース行はありません。ログが古いためです。次のようにお試しください: mailtrace trace --since 30d",
  "demo.try": "次にお試しいただける操作:",
  "demo.try-failed": "届かなかったメールとその理由を確認する",
  "demo.try-domain": "特定のドメイン宛て(ここでは携帯キャリア)のメールをすべて確認する",
  "demo.try-show": "1 通の経過を、送信者へのエラー通知も含めて確認する",
  "demo.try-refusal": "自社サーバーが拒否したメール: 理由と、対応が必要な方",
  "demo.try-pending": "まだキューで再送を待っているメール(配送遅延)を確認する",
  "demo.try-json": "同じ結果を JSON で出力する(CSV は --format csv)",
  "demo.try-report": "1 週間分のすべての行を CSV ファイルに（Excel で開けます）。長い期間は --background --mail-to で",
  "demo.try-serve": "同じ内容をブラウザで: http://127.0.0.1:8025/ の Web コンソール",
  "demo.try-own": "お手元のログを取り込む(通常のファイルまたは .gz。取り込み済みの行は重複しません)",
};
