/** Texts shared by every command. */
export const common = {
  "common.no-input": "No input was given.",
  "common.file-error": "Could not read {file}: {error}",
} satisfies Record<string, string>;
