/** すべてのコマンドで使う文言。 */
export const common = {
  "common.no-input": "入力がありません。",
  "common.file-error": "{file} を読めませんでした: {error}",
} satisfies Record<string, string>;
