/**
 * A worker thread of the analyser pool (pool.ts): files to read (or mails, their bytes
 * transferred) in, results out. It runs analyzeItem, as the calling thread does.
 */
import { parentPort } from "node:worker_threads";
import type { Lang } from "../i18n/index.ts";
import { analyzeItem, type MailResult } from "./analyze.ts";
import type { MailJob } from "./pool.ts";

/**
 * A batch: files to read here, or mails already read. One message per batch, since a message
 * between threads costs more than a small mail's analysis.
 */
export interface WorkRequest {
  id: number;
  items: MailJob[];
  lang: Lang;
}

const port = parentPort;
if (port) {
  port.on("message", async (req: WorkRequest) => {
    const results: MailResult[] = [];
    for (const item of req.items) {
      try {
        results.push(...(await analyzeItem(item, req.lang)));
      } catch (err) {
        const file = "path" in item ? item.path : item.file;
        results.push({ file, bounces: [], error: `${file}: analysis failed (${(err as Error).message.split("\n")[0]})` });
      }
    }
    port.postMessage({ id: req.id, results });
  });
  port.postMessage({ ready: true });
}
