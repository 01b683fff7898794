/** Courier MTA: "Courier mail server at ...", its NOTICE/WARNING subjects or its Message-ID; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { headerOf, readBy } from "./common.ts";

const isCourier = (mail: ParsedMail) =>
  headerOf(mail, "from").includes("Courier mail server at ") ||
  /NOTICE: mail delivery status\.|WARNING: delayed mail\./.test(mail.subject) ||
  /^<courier\.[0-9A-F]+\./.test(headerOf(mail, "message-id").trim());

export const courier = readBy("courier", isCourier, parseRfc3464);
