/**
 * The ONE table of bounce formats and the order they are tried in. The Subject of a bounce
 * hints at its origin ("Undelivered Mail Returned to Sender" is Postfix), so modules named by
 * the hint table are tried first, then the rest in the default order. Modules whose detect()
 * is specific come before the generic ones.
 */
import type { LhostModule } from "../types.ts";
import { amazonses } from "./amazonses.ts";
import { office365 } from "./office365.ts";
import { messagingserver } from "./messagingserver.ts";
import { mailru } from "./mailru.ts";
import { receivingses } from "./receivingses.ts";
import { amazonworkmail } from "./amazonworkmail.ts";
import { x2 } from "./x2.ts";
import { x4 } from "./x4.ts";
import { bigfoot } from "./bigfoot.ts";
import { mcafee } from "./mcafee.ts";
import { courier } from "./courier.ts";
import { mxlogic } from "./mxlogic.ts";
import { surfcontrol } from "./surfcontrol.ts";
import { yandex } from "./yandex.ts";
import { amavis } from "./amavis.ts";
import { barracuda } from "./barracuda.ts";
import { powermta } from "./powermta.ts";
import { mailgun } from "./mailgun.ts";
import { outlook } from "./outlook.ts";
import { postmark } from "./postmark.ts";
import { sendgrid } from "./sendgrid.ts";
import { yahoo } from "./yahoo.ts";
import { dragonfly } from "./dragonfly.ts";
import { exchange2007 } from "./exchange.ts";
import { activehunter } from "./activehunter.ts";
import { domino } from "./domino.ts";
import { exchange2003 } from "./exchange2003.ts";
import { interscanmss } from "./interscanmss.ts";
import { mailfoundry } from "./mailfoundry.ts";
import { mailmarshalsmtp } from "./mailmarshalsmtp.ts";
import { mfilter } from "./mfilter.ts";
import { notes } from "./notes.ts";
import { exim } from "./exim.ts";
import { gmail } from "./gmail.ts";
import { googlegroups } from "./googlegroups.ts";
import { imailserver } from "./imailserver.ts";
import { qmail } from "./qmail.ts";
import { zoho } from "./zoho.ts";
import { biglobe } from "./biglobe.ts";
import { einsundeins } from "./einsundeins.ts";
import { ezweb } from "./ezweb.ts";
import { gmx } from "./gmx.ts";
import { kddi } from "./kddi.ts";
import { verizon } from "./verizon.ts";
import { x1 } from "./x1.ts";
import { x3 } from "./x3.ts";
import { x5 } from "./x5.ts";
import { x6 } from "./x6.ts";
import { fml } from "./fml.ts";
import { opensmtpd } from "./opensmtpd.ts";
import { postfix } from "./postfix.ts";
import { sendmail } from "./sendmail.ts";
import { v5sendmail } from "./v5sendmail.ts";

/** Default order. */
export const MODULES: LhostModule[] = [amazonworkmail, receivingses, amazonses, sendgrid, mailgun, postmark, office365, exchange2007, outlook, yahoo, mcafee, mxlogic, surfcontrol, barracuda, amavis, courier, powermta, mailru, yandex, bigfoot, x2, x4, exchange2003, messagingserver, domino, notes, mfilter, activehunter, mailfoundry, mailmarshalsmtp, dragonfly, googlegroups, gmail, zoho, ezweb, kddi, biglobe, gmx, einsundeins, verizon, x1, x3, x5, x6, interscanmss, fml, opensmtpd, v5sendmail, sendmail, postfix, exim, qmail, imailserver];

/** First word before ":" or first two words of the Subject, lower case -> modules first. */
const SUBJECT_HINTS: Record<string, string[]> = {
  "undelivered-mail": ["sendgrid", "yandex", "postfix"],
  "mail-delivery": ["mxlogic", "mailru", "gmx", "einsundeins", "exim", "dragonfly"],
  "mail-failure": ["exim"],
  "failure-notice": ["yahoo", "mfilter", "activehunter", "x4", "qmail"],
  "delivery-status": ["amazonworkmail", "receivingses", "gmail", "googlegroups", "opensmtpd", "amazonses", "outlook", "mcafee"],
  "returned-mail": ["bigfoot", "biglobe", "x1", "x5", "sendmail", "v5sendmail"],
  "mail-system": ["ezweb"],
  "there-was": ["x6"],
  undeliverable: ["office365", "exchange2007", "exchange2003"],
  "undeliverable-message": ["notes"],
  "undeliverable-mail": ["mailmarshalsmtp", "imailserver"],
  "delivery-failure": ["domino"],
  "message-delivery": ["mailfoundry"],
  "mail-could": ["interscanmss"],
};

function subjectKey(subject: string): string {
  const s = subject.replace(/[[\]_]/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
  const words = s.split(" ");
  const colon = words[0]?.indexOf(":") ?? -1;
  const key = colon > 0 ? words[0].slice(0, colon) : words.slice(0, 2).join("-");
  return key.replace(/[:,*"]/g, "");
}

const byName = new Map(MODULES.map((m) => [m.name, m]));
const cache = new Map<string, LhostModule[]>();

export function orderFor(subject: string): LhostModule[] {
  let order = cache.get(subject);
  if (order) return order;
  const key = subjectKey(subject);
  order = cache.get(key);
  if (!order) {
    const first = (SUBJECT_HINTS[key] ?? []).map((n) => byName.get(n)).filter((m): m is LhostModule => !!m);
    order = first.length === 0 ? MODULES : [...first, ...MODULES.filter((m) => !first.includes(m))];
    if (cache.size < 1000) cache.set(key, order);
  }
  if (cache.size < 1000) cache.set(subject, order);
  return order;
}
