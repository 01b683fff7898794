/** Mail.ru: Exim's bounce text (exim.ts reads it), from mailer-daemon at mail.ru, with a Mail.ru Message-ID. */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy } from "./common.ts";
import { exim } from "./exim.ts";

const isMailRu = (mail: ParsedMail) =>
  /mailer-daemon@(?:[\w-]+\.)*mail\.ru\b/i.test(headerOf(mail, "from")) && /\.(?:mail\.ru|smailru\.net)>?\s*$/i.test(headerOf(mail, "message-id"));

export const mailru = readBy("mailru", isMailRu, (mail) => exim.parse(mail));
