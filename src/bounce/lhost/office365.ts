/**
 * Microsoft 365 (Exchange Online) NDRs: Exchange 2007+'s layout (exchange.ts reads it), named
 * by two signs of which one is Exchange Online's own (its cross-tenant or antispam headers, a
 * Received or Message-ID host under outlook.com): on-premises Exchange also writes
 * "Undeliverable:" and X-MS-Exchange-Message-Is-Ndr.
 */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy, receivedOf } from "./common.ts";
import { exchange2007 } from "./exchange.ts";

const ONLINE_HEADERS = [
  "x-microsoft-antispam-prvs", "x-exchange-antispam-report-test", "x-exchange-antispam-report-cfa-test",
  "x-ms-exchange-crosstenant-originalarrivaltime", "x-ms-exchange-crosstenant-fromentityheader", "x-ms-exchange-transport-crosstenantheadersstamped",
];
const HOST = /\.(?:outbound\.protection|prod)\.outlook\.com\b/i;

function isOffice365(mail: ParsedMail): boolean {
  let online = 0;
  for (const h of ONLINE_HEADERS) if (mail.headers.has(h)) online++;
  if (HOST.test(receivedOf(mail))) online++;
  if (HOST.test(headerOf(mail, "message-id"))) online++;
  const generic = (mail.subject.includes("Undeliverable:") ? 1 : 0) + (mail.headers.has("x-ms-exchange-message-is-ndr") ? 1 : 0);
  return online >= 1 && online + generic >= 2;
}

export const office365 = readBy("office365", isOffice365, (mail) => exchange2007.parse(mail));
