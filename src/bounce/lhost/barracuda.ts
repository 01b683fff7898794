/** Barracuda Spam Firewall: "... our bulk email filter" in the Subject; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { readBy } from "./common.ts";

const isBarracuda = (mail: ParsedMail) => mail.subject.indexOf("our bulk email filter") > 0;

export const barracuda = readBy("barracuda", isBarracuda, parseRfc3464);
