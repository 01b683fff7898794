/**
 * `ingest --dry-run`: a store that keeps nothing. The files are read, parsed and correlated as
 * for a new, empty store, so the summary says what such a store would get (lines, messages,
 * events, lines not understood), and nothing is written anywhere. It is also what the bench runs
 * to show the cost of reading and correlating alone, beside a real ingest.
 */
import type { FileMark, RelayHops, ShowResult, Store, StoreStats, StoreWriter, TraceRow } from "./store.ts";

class DryRunWriter implements StoreWriter {
  private nextId = 1;
  findMessage(): undefined {
    return undefined;
  }
  findNextMessage(): undefined {
    return undefined;
  }
  rekeyMessage(): boolean {
    return true;
  }
  eventHashes(): number[] {
    return [];
  }
  insertMessage(): { id: number; created: boolean } {
    return { id: this.nextId++, created: true };
  }
  updateMessage(): void {}
  upsertRecipient(): void {}
  changeRecipientStatus(): void {}
  dropPlaceholder(): void {}
  insertEvents(c: { events: readonly unknown[] }): number {
    return c.events.length;
  }
  insertLink(): void {}
  fileMarks(): FileMark[] {
    return [];
  }
  markFile(): void {}
  commit(): void {}
  close(): void {}
}

export class DryRunStore implements Store {
  readonly url = "dry-run:";
  writer(): StoreWriter {
    return new DryRunWriter();
  }
  async trace(): Promise<TraceRow[]> {
    return [];
  }
  async relayHops(rows: readonly TraceRow[]): Promise<RelayHops[]> {
    return rows.map(() => ({}));
  }
  async show(): Promise<ShowResult> {
    return { messages: [], recipients: [], events: [] };
  }
  async stats(): Promise<StoreStats> {
    return { messages: 0, recipients: 0, events: 0 };
  }
  async close(): Promise<void> {}
}
