/** amavis (amavisd-new): the bounce its content filter sends, From "Content-filter at ..."; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { headerOf, readBy } from "./common.ts";

const isAmavis = (mail: ParsedMail) => headerOf(mail, "from").trim().startsWith('"Content-filter at ');

export const amavis = readBy("amavis", isAmavis, parseRfc3464);
