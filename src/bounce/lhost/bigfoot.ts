/** Bigfoot (the forwarding service): Sendmail's bounce (sendmail.ts reads it) from bigfoot.com. */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy, receivedOf } from "./common.ts";
import { sendmail } from "./sendmail.ts";

const isBigfoot = (mail: ParsedMail) => /@bigfoot\.com>?\s*$/i.test(headerOf(mail, "from")) || /\.bigfoot\.com\s/i.test(receivedOf(mail));

export const bigfoot = readBy("bigfoot", isBigfoot, (mail) => sendmail.parse(mail));
