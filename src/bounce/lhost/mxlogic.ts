/**
 * McAfee SaaS (MX Logic): Exim's bounce text (exim.ts reads it), with MX Logic's X-MX-Bounce
 * header or from an mxlogic.net MAILER-DAEMON. (Its X-MXL-Hash headers are on every mail it
 * filters, bounces of others included, so they do not count.)
 */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy } from "./common.ts";
import { exim } from "./exim.ts";

const isMxLogic = (mail: ParsedMail) =>
  mail.headers.has("x-mx-bounce") || /@(?:[\w-]+\.)*mxlogic\.net\b/i.test(`${headerOf(mail, "from")} ${headerOf(mail, "message-id")}`);

export const mxlogic = readBy("mxlogic", isMxLogic, (mail) => exim.parse(mail));
