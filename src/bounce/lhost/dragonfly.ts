/** DragonFly Mail Agent (dma): "There was an error delivering your mail to <addr>." */
import { findAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { oneLine, splitAt } from "./common.ts";

const MARKERS = [/^Message headers follow\.\s*$/m, /^Original message follows\.\s*$/m];

export const dragonfly: LhostModule = {
  name: "dragonfly",
  detect: (mail) => /This is the DragonFly Mail Agent/i.test(mail.text) || /DragonFly Mail Agent/.test((mail.headers.get("received") ?? []).join(" ")),
  parse(mail) {
    const [head, original] = splitAt(mail.body, MARKERS);
    const records = [];
    const re = /There was an error delivering your mail to <([^>]+)>\.\s*\n([\s\S]*?)(?=There was an error delivering|$)/g;
    for (const m of head.matchAll(re)) {
      const text = oneLine(m[2]);
      const host = /^([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s+\[[^\]]+\]/.exec(text)?.[1] ?? "";
      const cmd = /did not like our ([A-Z]+(?: [A-Z]+)?|final DATA)/i.exec(text)?.[1] ?? "";
      records.push({ recipient: findAddress(`<${m[1]}>`) || m[1], diagnosticCode: text, remoteMta: host, smtpCommand: /DATA/i.test(cmd) ? "DATA" : cmd });
    }
    return { records, original };
  },
};
