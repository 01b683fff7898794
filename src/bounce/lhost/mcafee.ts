/** McAfee Email Gateway: "Delivery Status" with X-NAI-Header "Modified by McAfee"; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { headerOf, readBy } from "./common.ts";

const isMcAfee = (mail: ParsedMail) => headerOf(mail, "x-nai-header").includes("Modified by McAfee") && mail.subject.trim() === "Delivery Status";

export const mcafee = readBy("mcafee", isMcAfee, parseRfc3464);
