/** Google Groups: a post refused by a group; the group address is in X-Failed-Recipients. */
import { findAddress, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { oneLine, originalOf, splitAt } from "./common.ts";

const MARKERS = [/^-+ ?Original message ?-+\s*$/im];

export const googlegroups: LhostModule = {
  name: "googlegroups",
  detect: (mail) => /googlemail\.com|google\.com/i.test(mail.from) && /Google Groups|Google グループ|groups\.google\.com/i.test(mail.text),
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const failed = (mail.headers.get("x-failed-recipients") ?? []).flatMap((v) => v.split(","));
    const records = failed.map((a) => findAddress(a.trim()) || a.trim()).filter(isAddress).map((recipient) => ({
      recipient,
      diagnosticCode: oneLine(head),
      action: "failed",
      smtpCommand: "",
    }));
    return { records, original: originalOf(mail, MARKERS) };
  },
};
