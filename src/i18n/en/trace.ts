/** Texts of message trace (ingest, trace, show). */
export const trace: Record<string, string> = {
  "trace.ingest-summary": "{lines} lines read from {files} file(s): {events} new events, {messages} new messages, {unparsed} unparsed, {other} lines of other programs",
  "trace.follow-status": "following: {lines} lines added, {messages} new messages (Ctrl-C ends)",
  "trace.ingest-resumed": " ({resumed} file(s) read on from where the last ingest of them stopped, {unchanged} unchanged since; --from-start reads them whole)",
  "trace.ingest-dry-run": " (dry run: nothing stored)",
  "trace.ingest-unparsed-line": "not understood: {line}",
  "trace.no-rows": "No messages match (default range: the last 48 hours; widen it with --since 7d).",
  "trace.more-rows": "The newest {n} rows are shown; more match: narrow the search or raise --limit.",
  "trace.not-found": "No message with queue ID or Message-ID {key} in the store.",
  "trace.show-message": "Message",
  "trace.show-recipients": "Recipients",
  "trace.show-orig-to": "as sent to {address}",
  "trace.show-events": "Timeline",
  "trace.link.relay": "passed on as",
  "trace.link.bounce": "notification",
  "trace.link.forward": "forwarded as",
};
