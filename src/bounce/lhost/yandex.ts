/** Yandex.Mail: Postfix's bounce (postfix.ts reads it) from mailer-daemon@yandex.ru with X-Yandex-Uniq. */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy } from "./common.ts";
import { postfix } from "./postfix.ts";

const isYandex = (mail: ParsedMail) => mail.headers.has("x-yandex-uniq") && /mailer-daemon@yandex\.ru/i.test(headerOf(mail, "from"));

export const yandex = readBy("yandex", isYandex, (mail) => postfix.parse(mail));
