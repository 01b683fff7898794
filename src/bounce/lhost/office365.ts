/**
 * Microsoft 365 (Exchange Online) NDRs: Exchange 2007+'s layout (exchange.ts reads it), named
 * when Exchange Online itself wrote it: its Message-ID host, a postmaster of an
 * onmicrosoft.com tenant, or a generating server under outlook.com. Headers such as
 * X-MS-Exchange-CrossTenant-* do not count: Microsoft 365 adds them to whatever mail it
 * delivers, so an on-premises Exchange NDR read in a Microsoft 365 mailbox has them too.
 */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy } from "./common.ts";
import { exchange2007 } from "./exchange.ts";

const EXO_HOST = /\.(?:prod\.outlook|outbound\.protection\.outlook|prod\.exchangelabs)\.com\b/i;

function isOffice365(mail: ParsedMail): boolean {
  if (!mail.subject.includes("Undeliverable:") && !mail.headers.has("x-ms-exchange-message-is-ndr")) return false;
  if (EXO_HOST.test(headerOf(mail, "message-id"))) return true;
  if (/@(?:[\w-]+\.)*onmicrosoft\.com\b/i.test(headerOf(mail, "from"))) return true;
  const generating = /^Generating server:\s*(\S+)/im.exec(mail.text);
  return !!generating && /\.(?:outlook|exchangelabs)\.com$/i.test(generating[1]);
}

export const office365 = readBy("office365", isOffice365, (mail) => exchange2007.parse(mail));
