/**
 * Bounce explanations: per reason a summary and up to three actions; a few variants where
 * the diagnostic text changes who must act (anonymous-mail refusal, SPF, relaying).
 * Placeholders: {recipient}, {domain}, {status}.
 */
export const bounce = {
  "bounce.class.permanent": "Permanent failure ({status}): the message will not be retried.",
  "bounce.class.transient": "Temporary failure ({status}): the sending server keeps retrying for a while.",
  "bounce.action.wait": "Wait: the server retries by itself. Act only if the problem is still there after several hours or a final failure notice arrives.",

  "bounce.reason.userunknown.summary": "The mailbox {recipient} does not exist at {domain}.",
  "bounce.reason.userunknown.action1": "Check the address for typos: similar spellings (sya/sha, ra/la), _ typed for - or the reverse, a missing or extra letter.",
  "bounce.reason.userunknown.action2": "Ask the recipient for the correct address by another route (phone, a colleague's address, their business card).",
  "bounce.reason.userunknown.action3": "If the address worked before, the account was probably deleted; remove it from address books and lists.",

  "bounce.reason.hostunknown.summary": "The domain {domain} does not exist or has no mail server.",
  "bounce.reason.hostunknown.action1": "Check the spelling of the domain part (after @): a comma for a dot, .co.jp versus .jp, missing letters.",
  "bounce.reason.hostunknown.action2": "Check the domain's DNS (NXDOMAIN, MX records), for example with mailtrace check {domain}.",
  "bounce.reason.hostunknown.action3": "If the domain was valid until recently, ask the recipient whether it expired or moved.",

  "bounce.reason.mailboxfull.summary": "The mailbox of {recipient} is full.",
  "bounce.reason.mailboxfull.action1": "Tell the recipient by another route that their mailbox is full; they must delete mail or ask for a larger quota.",
  "bounce.reason.mailboxfull.action2": "Send the message again after the recipient has made room.",

  "bounce.reason.filtered.summary": "The recipient's side refused the message by its own rules (a receive filter, allow/deny list, or a carrier's anti-spam setting).",
  "bounce.reason.filtered.action1": "Ask the recipient to allow your address or domain in their receiving settings (common with Japanese mobile carrier addresses).",
  "bounce.reason.filtered.action2": "If the recipient says the address is wrong, treat it as an unknown user and check for typos.",

  "bounce.reason.rejected.summary": "The receiving server refused our envelope sender (the MAIL FROM address) rather than the recipient.",
  "bounce.reason.rejected.action1": "Check that the sender address and its domain exist and resolve in DNS (MX or A record).",
  "bounce.reason.rejected.action2": "Check whether the sender address or domain is on the recipient's block list; ask their administrator to allow it.",
  "bounce.reason.rejected.action3": "Bounces and automatic replies with an empty sender are refused by some servers; check the sending system's settings.",

  "bounce.reason.blocked.summary": "The receiving server refused our sending server (its IP address or host name), typically because of a block list.",
  "bounce.reason.blocked.action1": "Look up our sending IP address on the block lists named in the error (Spamhaus, Barracuda, SpamCop ...) and request delisting.",
  "bounce.reason.blocked.action2": "Find and stop the cause first: a compromised account or a device sending spam through our server.",
  "bounce.reason.blocked.action3": "Check that our server's HELO name and reverse DNS (PTR) match and resolve.",

  "bounce.reason.badreputation.summary": "The receiving provider refused or delayed mail because of the poor reputation of our sending IP address or domain.",
  "bounce.reason.badreputation.action1": "Check our IP and domain reputation with the provider's postmaster tools and the block lists, and request delisting where listed.",
  "bounce.reason.badreputation.action2": "Reduce complaints: send only to recipients who asked for mail, remove bouncing addresses, offer an easy unsubscribe.",
  "bounce.reason.badreputation.action3": "Make sure SPF, DKIM and DMARC pass for the sender domain.",

  "bounce.reason.requireptr.summary": "The receiving server requires a valid reverse DNS (PTR) name for our sending IP address.",
  "bounce.reason.requireptr.action1": "Ask the owner of our IP address (ISP or hosting provider) to set a PTR record that names our mail server.",
  "bounce.reason.requireptr.action2": "Make sure that name resolves back to the same IP address (forward-confirmed reverse DNS) and matches the HELO name.",

  "bounce.reason.spamdetected.summary": "The receiving server judged the message to be spam.",
  "bounce.reason.spamdetected.action1": "Review the content: remove link shorteners, large images without text, and suspicious attachments; send a plain message.",
  "bounce.reason.spamdetected.action2": "Make sure SPF, DKIM and DMARC pass for the sender domain.",
  "bounce.reason.spamdetected.action3": "If the message is legitimate, ask the recipient to allow your address.",

  "bounce.reason.virusdetected.summary": "A virus or malware scanner on the receiving side refused the message.",
  "bounce.reason.virusdetected.action1": "Scan the attachment with up-to-date antivirus software on the sending computer.",
  "bounce.reason.virusdetected.action2": "If the file is clean, send it another way (a shared link) or in another format; executable and macro files are often refused.",

  "bounce.reason.policyviolation.summary": "The message broke a policy of the receiving organisation (attachment types, list membership, content rules).",
  "bounce.reason.policyviolation.action1": "Read the error text for the rule that applied; remove the attachment type or content it names.",
  "bounce.reason.policyviolation.action2": "Ask the recipient's administrator which policy refused it if the text does not say.",

  "bounce.reason.securityerror.summary": "The receiving server refused the message for a security reason (authentication, encryption or access rules).",
  "bounce.reason.securityerror.action1": "Read the error text: it usually names the missing authentication or certificate.",
  "bounce.reason.securityerror.action2": "If the refusal came from our own outgoing server, check the client's SMTP authentication settings.",

  "bounce.reason.authfailure.summary": "The message failed sender authentication (SPF, DKIM or DMARC) at the receiving server.",
  "bounce.reason.authfailure.action1": "Check the sender domain's SPF record includes every server that sends for it, e.g. with mailtrace check.",
  "bounce.reason.authfailure.action2": "Check that outgoing mail is DKIM-signed with a key published in DNS, and that the DMARC policy matches how the domain sends.",
  "bounce.reason.authfailure.action3": "Forwarding and mailing lists can break SPF; ask the recipient whether the address forwards elsewhere.",

  "bounce.reason.expired.summary": "Delivery kept failing until the message's time in the queue ran out.",
  "bounce.reason.expired.action1": "Check whether the recipient's mail server was down or unreachable (their MX, firewall, network).",
  "bounce.reason.expired.action2": "Look at the earlier delays in the delivery log to see the real cause of the retries.",
  "bounce.reason.expired.action3": "Send the message again once the recipient's server answers.",

  "bounce.reason.suspend.summary": "The account of {recipient} exists but is suspended or disabled.",
  "bounce.reason.suspend.action1": "Contact the recipient by another route; the account may be unpaid, locked, or no longer used.",
  "bounce.reason.suspend.action2": "Use a different address for this recipient until the account is active again.",

  "bounce.reason.norelaying.summary": "A server refused to relay the message: it does not accept mail for {domain} from us.",
  "bounce.reason.norelaying.action1": "Check that the domain's MX records point to the right servers; a wrong or outdated MX often causes this.",
  "bounce.reason.norelaying.action2": "Ask the recipient's administrator to accept mail for {domain} on that server.",

  "bounce.reason.toomanyconn.summary": "The receiving server limited us: too many connections or recipients at once.",
  "bounce.reason.toomanyconn.action1": "Lower the number of parallel connections and recipients per message to this destination.",
  "bounce.reason.toomanyconn.action2": "Send again later; large recipient lists should be split into smaller batches.",

  "bounce.reason.speeding.summary": "The receiving server rate-limited us: we sent too much mail too fast.",
  "bounce.reason.speeding.action1": "Slow down sending to this destination (fewer messages per minute and per connection).",
  "bounce.reason.speeding.action2": "Check for a sudden volume spike from one account, which can mean a compromised account.",

  "bounce.reason.systemerror.summary": "The receiving mail system had an internal error or is misconfigured.",
  "bounce.reason.systemerror.action1": "Send again later; such errors are often short-lived.",
  "bounce.reason.systemerror.action2": "If it repeats, tell the recipient so their administrator can fix the server (the error text names the problem).",

  "bounce.reason.mailererror.summary": "The program that delivers into the recipient's mailbox (procmail, a pipe, a script) failed.",
  "bounce.reason.mailererror.action1": "Tell the recipient's administrator: the local delivery program or its filter rules need fixing.",
  "bounce.reason.mailererror.action2": "Send again after they report it is fixed.",

  "bounce.reason.networkerror.summary": "A DNS or network problem between the servers stopped delivery (lookup failure, mail loop, unreachable host).",
  "bounce.reason.networkerror.action1": "Check the recipient domain's DNS (MX, A/AAAA records) with mailtrace check {domain}.",
  "bounce.reason.networkerror.action2": "Check our own DNS resolver and outbound network; if only this domain fails, the problem is on their side.",

  "bounce.reason.contenterror.summary": "The receiving server could not accept the message's format (headers, encoding, MIME structure).",
  "bounce.reason.contenterror.action1": "Send again from another mail client or as plain text; some programs produce malformed headers or encodings.",
  "bounce.reason.contenterror.action2": "If an application generated the mail, ask its maintainers to fix the message format.",

  "bounce.reason.exceedlimit.summary": "The message exceeded a limit set for this recipient (size or header size).",
  "bounce.reason.exceedlimit.action1": "Send a smaller message: put large files on a file-sharing service and send a link.",
  "bounce.reason.exceedlimit.action2": "Ask the recipient what size they can receive.",

  "bounce.reason.syntaxerror.summary": "The receiving server did not understand a command our server sent (an SMTP protocol error).",
  "bounce.reason.syntaxerror.action1": "Check our mail server's logs for the command that failed; software or configuration on our side is the usual cause.",
  "bounce.reason.syntaxerror.action2": "If only this destination fails, tell their administrator together with the error text.",

  "bounce.reason.mesgtoobig.summary": "The message is larger than the receiving server accepts.",
  "bounce.reason.mesgtoobig.action1": "Send the attachment as a link (file-sharing service) or compress or split it.",
  "bounce.reason.mesgtoobig.action2": "Remember that attachments grow by about a third when sent by mail.",

  "bounce.reason.notaccept.summary": "The domain {domain} does not accept mail at all (null MX or no mail service).",
  "bounce.reason.notaccept.action1": "Check the address: the domain may be used for a website only, or be a typo of another domain.",
  "bounce.reason.notaccept.action2": "Ask the recipient for an address that receives mail.",

  "bounce.reason.notcompliantrfc.summary": "The message broke the Internet message format rules (RFC 5322), e.g. duplicate or malformed headers.",
  "bounce.reason.notcompliantrfc.action1": "Check the program that created the message (mail client, web application, script) for duplicate From/Subject/Date headers.",
  "bounce.reason.notcompliantrfc.action2": "Send a test message from a standard mail client to confirm the recipient itself is fine.",

  "bounce.reason.onhold.summary": "The bounce does not say clearly why delivery failed.",
  "bounce.reason.onhold.action1": "Read the diagnostic text and the delivery log for the message around that time.",
  "bounce.reason.onhold.action2": "If it happens again, ask the recipient's administrator with the error text and time.",

  "bounce.reason.vacation.summary": "This is an automatic reply (for example out of office), not a delivery failure.",
  "bounce.reason.vacation.action1": "No action needed: the message was delivered; the recipient may answer later.",

  "bounce.reason.feedback.summary": "A mailbox provider forwarded a complaint: a recipient reported our message as spam or abuse.",
  "bounce.reason.feedback.action1": "Stop sending to the complaining recipient ({recipient}) and remove them from lists.",
  "bounce.reason.feedback.action2": "Check whether the message was really ours and wanted; many complaints damage our sending reputation.",

  "bounce.reason.delivered.summary": "The message was delivered successfully; this is a delivery notification, not a failure.",
  "bounce.reason.delivered.action1": "No action needed.",

  "bounce.reason.failedstarttls.summary": "Delivery failed because an encrypted connection (STARTTLS) could not be set up as required.",
  "bounce.reason.failedstarttls.action1": "Check our server's TLS settings and certificate, and whether our policy requires TLS for this domain.",
  "bounce.reason.failedstarttls.action2": "If the recipient's server does not offer TLS or has a broken certificate, tell their administrator.",

  "bounce.reason.hasmoved.summary": "The address {recipient} has moved and mail is not forwarded.",
  "bounce.reason.hasmoved.action1": "Ask the recipient for the new address; the error text sometimes names it.",
  "bounce.reason.hasmoved.action2": "Update address books and lists with the new address.",

  "bounce.reason.systemfull.summary": "The receiving mail system is out of storage.",
  "bounce.reason.systemfull.action1": "Send again later; the recipient's administrator must free space.",
  "bounce.reason.systemfull.action2": "If it persists for a day, tell the recipient by another route.",

  "bounce.reason.undefined.summary": "The reason for the failure could not be determined.",
  "bounce.reason.undefined.action1": "Read the full bounce and the delivery log for the message.",
  "bounce.reason.undefined.action2": "Ask the recipient's administrator with the time and the error text.",

  // Variants: the diagnostic text decides who must act.
  "bounce.variant.anonymous.summary": "The receiving server refused mail from an unauthenticated (anonymous) sender. A server that receives mail from the Internet must accept it without authentication, so the recipient's side is misconfigured.",
  "bounce.variant.anonymous.action1": "Tell the recipient: their administrator must allow anonymous inbound mail on the server that receives for {domain} (for Exchange: the receive connector's permission groups).",
  "bounce.variant.anonymous.action2": "Check that {domain}'s MX records point at their inbound server and not at a submission-only server.",
  "bounce.variant.spf.summary": "The receiving server refused the message because the SPF check of our sender domain failed.",
  "bounce.variant.spf.action1": "Check the sender domain's SPF record: it must include every server and service that sends for the domain (mailtrace check).",
  "bounce.variant.spf.action2": "After fixing the record, wait for the DNS TTL and send again.",
  "bounce.variant.relay-auth.summary": "Our outgoing server refused to relay because the sending client did not authenticate.",
  "bounce.variant.relay-auth.action1": "Turn on SMTP authentication in the mail client (user name and password for the outgoing server).",
  "bounce.variant.relay-auth.action2": "Check the outgoing server name and port (587 with STARTTLS or 465) in the client.",
} satisfies Record<string, string>;
