/**
 * Oracle (Sun, iPlanet) Communications Messaging Server: "Delivery Notification: ..." with its
 * "Boundary_(ID_...)" MIME boundary; the report is a standard DSN.
 */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { headerOf, readBy } from "./common.ts";

const isMessagingServer = (mail: ParsedMail) => mail.subject.startsWith("Delivery Notification: ") || headerOf(mail, "content-type").includes("Boundary_(ID_");

export const messagingserver = readBy("messagingserver", isMessagingServer, parseRfc3464);
