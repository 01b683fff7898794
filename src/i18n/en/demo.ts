/** Texts of the demo (`npm start` / `mailtrace demo`). */
export const demo: Record<string, string> = {
  "demo.wrote-log": "Wrote a demo Postfix log: {lines} lines, {messages} arrivals over the {hours} hours up to now, to {path}",
  "demo.ingesting": "Ingesting into {store} ...",
  "demo.summary": "Last 48 hours: {rows} trace rows ({counts}).",
  "demo.summary-capped": "Last 48 hours: at least {rows} trace rows ({counts}).",
  "demo.newest": "The newest {n} rows:",
  "demo.no-rows": "No trace rows in the last 48 hours: the log is older. Try: mailtrace trace --since 30d",
  "demo.try": "What to try next:",
  "demo.try-failed": "what failed, and why",
  "demo.try-domain": "everything to one domain (a Japanese carrier here)",
  "demo.try-show": "one message's timeline, with its bounce notification",
  "demo.try-refusal": "a message our server refused: why, and who must act",
  "demo.try-pending": "mail still waiting in the queue (deferred)",
  "demo.try-json": "the same rows as JSON (or --format csv)",
  "demo.try-report": "every row of the week as a CSV file (opens in Excel); --background --mail-to for long ranges",
  "demo.try-serve": "the same in a browser: the web console at http://127.0.0.1:8025/",
  "demo.try-own": "your own log (plain or .gz; the store skips what it already has)",
};
