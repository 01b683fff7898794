/** McAfee SaaS (MX Logic): Exim's bounce text (exim.ts reads it) with MX Logic's X-MX-Bounce / X-MXL-* headers. */
import type { ParsedMail } from "../mime.ts";
import { readBy } from "./common.ts";
import { exim } from "./exim.ts";

const isMxLogic = (mail: ParsedMail) => mail.headers.has("x-mx-bounce") || mail.headers.has("x-mxl-hash") || mail.headers.has("x-mxl-notehash");

export const mxlogic = readBy("mxlogic", isMxLogic, (mail) => exim.parse(mail));
