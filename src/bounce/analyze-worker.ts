/**
 * A worker thread of the analyser pool (pool.ts): mails in (bytes, transferred), results out.
 * It only runs analyzeMail, which never throws for bad mail content.
 */
import { parentPort } from "node:worker_threads";
import type { Lang } from "../i18n/index.ts";
import { analyzeMail } from "./analyze.ts";

/** A batch of mails: one message per batch, since a message between threads costs more than a small mail's analysis. */
export interface WorkRequest {
  id: number;
  mails: Array<{ file: string; bytes: Uint8Array }>;
  lang: Lang;
}

const port = parentPort;
if (port) {
  port.on("message", async (req: WorkRequest) => {
    const results = [];
    for (const m of req.mails) {
      try {
        results.push(await analyzeMail(m.bytes, m.file, { lang: req.lang }));
      } catch (err) {
        results.push({ file: m.file, bounces: [], error: `${m.file}: analysis failed (${(err as Error).message.split("\n")[0]})` });
      }
    }
    port.postMessage({ id: req.id, results });
  });
  port.postMessage({ ready: true });
}
