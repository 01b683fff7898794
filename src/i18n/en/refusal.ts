/**
 * Texts for mail that our own server refused before it queued it (a NOQUEUE reject): seen from
 * the receiving side, where the sender's "I sent it, it never arrived" often ends.
 * Placeholders: {recipient}, {domain} (the recipient's), {sender}, {client} (the sending server), {reply}.
 */
export const refusal: Record<string, string> = {
  "refusal.userunknown.summary": "Our server refused the message: there is no mailbox {recipient} here.",
  "refusal.userunknown.action1": "Ask the sender to check the address for typos; the sender got this refusal from their own server as a bounce.",
  "refusal.userunknown.action2": "If {recipient} should exist (a new colleague, an alias), add it to the mail system and ask for the message again.",
  "refusal.mailboxfull.summary": "Our server refused the message: the mailbox {recipient} is full.",
  "refusal.mailboxfull.action1": "Ask the recipient to delete or archive mail, or raise the quota; the sender has to send again afterwards if this was permanent.",
  "refusal.norelaying.summary": "Our server does not pass mail on to {domain} for the sending machine {client}: it is not one of ours, or it did not log in.",
  "refusal.norelaying.action1": "If the sender is one of our users, their mail program must send with authentication (SMTP AUTH) on the submission port.",
  "refusal.norelaying.action2": "If nobody here knows the sender, this was an attempt to misuse our server as a relay, and refusing it was right.",
  "refusal.blocklisted.summary": "Our server refused the sending server {client}: it is on a blocklist that our server checks.",
  "refusal.blocklisted.action1": "The sender's mail administrator has to find out why the address is listed and ask for its removal (the refusal names the list).",
  "refusal.blocklisted.action2": "If the sender is known and trusted, our administrator can allow that server while it is listed.",
  "refusal.greylisted.summary": "Our server asked the sending server to try again later (greylisting): this is normal for a first message from an unknown server.",
  "refusal.greylisted.action1": "Wait: a normal mail server sends again within minutes and is then let through. If no retry shows up in the log, the sender's server does not retry (spam software often does not).",
  "refusal.reverse-dns.summary": "Our server refused the sending server {client}: its address has no valid reverse DNS name, which our server requires.",
  "refusal.reverse-dns.action1": "The sender's mail administrator has to give the server's address a PTR record that names the server, and that name must point back to the address.",
  "refusal.sender-domain.summary": "Our server refused the message: the sender's domain in {sender} cannot be found in DNS.",
  "refusal.sender-domain.action1": "The sender has to check their own address, or their administrator the domain's DNS (it must exist and have MX or A records).",
  "refusal.sender-auth.summary": "Our server refused the message: the sender's domain does not allow the server {client} to send for it (SPF, DMARC).",
  "refusal.sender-auth.action1": "The sender's administrator has to add the sending server to the domain's SPF record, or send through a server it lists.",
  "refusal.content.summary": "Our server's content rules (spam and virus filters, header and attachment checks) refused the message.",
  "refusal.content.action1": "If the message was genuine, our administrator should look at which rule refused it and whether it needs an exception.",
  "refusal.content.action2": "The sender can try again without the suspect content (links, attachments such as executables or macros).",
  "refusal.too-big.summary": "Our server refused the message: it is larger than our server accepts.",
  "refusal.too-big.action1": "The sender has to send smaller attachments, or share the files by a link.",
  "refusal.helo.summary": "Our server refused the sending server {client}: it introduced itself (HELO/EHLO) with a name that is not a valid host name.",
  "refusal.helo.action1": "The sender's mail administrator has to set the server's host name to its real, fully-qualified DNS name.",
  "refusal.other.summary": "Our server refused the message with: {reply}",
  "refusal.other.action1": "Our administrator should look at which restriction this reply comes from, and whether it was meant for this sender.",
  "held.hold-queue.summary": "Our server holds the message in its hold queue ({why}): nobody gets it until an administrator releases or deletes it.",
  "held.hold-queue.action1": "To deliver it after all: postsuper -H {queueId} on {host} (as root); to delete it: postsuper -d {queueId}.",
  "held.amavis.summary": "The content filter (amavisd-new) put the message in its quarantine: {why}.",
  "held.amavis.action1": "If the message is genuine, an administrator can release it with amavisd-release and the quarantine name above.",
};
