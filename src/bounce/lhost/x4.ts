/**
 * "X4" in sisimai's names: qmail-derived systems of ISPs and appliances that open with their
 * own sentence ("Your mail message to the following address(es) could not be delivered",
 * "Su mensaje no pudo ser entregado", ...) but keep qmail's layout, which qmail.ts reads.
 */
import type { ParsedMail } from "../mime.ts";
import { readBy } from "./common.ts";
import { qmail } from "./qmail.ts";

const OPENING = /^\s*(?:Your mail message to the following address|Your message to the following addresses|He\/Her is not .+ user|Su mensaje no pudo ser entregado|This is the machine generated message from mail service|This is the mail delivery agent at|Unfortunately, your mail was not delivered to the following address:|We're sorry\.)/im;
const QMAIL_COPY = /^--- ?(?:Below this line is a copy of the message|Original message follows)\./m;

const isX4 = (mail: ParsedMail) => OPENING.test(mail.text) && QMAIL_COPY.test(mail.body);

export const x4 = readBy("x4", isX4, (mail) => qmail.parse(mail));
