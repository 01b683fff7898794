/**
 * A worker thread of the analyser pool (pool.ts): files to read (or mails, their bytes
 * transferred) in, results out. It runs analyzeMail, which never throws for bad mail content.
 */
import { parentPort } from "node:worker_threads";
import type { Lang } from "../i18n/index.ts";
import { analyzeMail, type MailResult } from "./analyze.ts";
import { type RawMail, readFileMails } from "./input.ts";

/**
 * A batch: files to read here, or mails already read. One message per batch, since a message
 * between threads costs more than a small mail's analysis.
 */
export interface WorkRequest {
  id: number;
  items: WorkItem[];
  lang: Lang;
}
export type WorkItem = { path: string } | { file: string; bytes: Uint8Array };

const port = parentPort;
if (port) {
  port.on("message", async (req: WorkRequest) => {
    const results: MailResult[] = [];
    for (const item of req.items) {
      const mails: RawMail[] = "path" in item ? readFileMails(item.path) : [item];
      for (const m of mails) {
        if (m.error || !m.bytes) {
          results.push({ file: m.file, bounces: [], error: m.error ?? `${m.file}: unreadable` });
          continue;
        }
        try {
          results.push(await analyzeMail(m.bytes, m.file, { lang: req.lang }));
        } catch (err) {
          results.push({ file: m.file, bounces: [], error: `${m.file}: analysis failed (${(err as Error).message.split("\n")[0]})` });
        }
      }
    }
    port.postMessage({ id: req.id, results });
  });
  port.postMessage({ ready: true });
}
