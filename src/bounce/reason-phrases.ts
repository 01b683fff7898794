/**
 * The ONE table of message phrases per bounce reason. Every pattern runs against the
 * diagnostic text lower-cased with white space collapsed to single spaces.
 *
 * Phrases are what receiving MTAs really say (Postfix, Sendmail, Exim, qmail, Exchange,
 * Domino, Courier, the big providers, in English and a few other languages), written as
 * general patterns rather than one server's sentence: "no such user", "user unknown",
 * "unknown recipient", "mailbox not found" all come from one pattern family. Which table
 * wins when several match is decided in reason.ts, not here.
 */
import type { Reason } from "./reason.ts";

type Phrases = readonly RegExp[];

/** Destination mailbox does not exist. */
const userunknown: Phrases = [
  /\b(?:no such|unknown|invalid|bad|non-?existent|nonexisting|inexistent|unrouteable|illegal) (?:local )?(?:user|recipient|mailbox|address|e-?mail address|account|person|addressee|destination mailbox)s?\b/,
  /\binvalid (?:final delivery )?user ?id\b/,
  /\b(?:user|recipient|mailbox|address|account|addressee)s? (?:name )?(?:is )?(?:unknown|not found|not known|doesn'?t exist|does not exist|not exist|not listed|not present|invalid|not valid|not active|inactive|unavailable|unavaiable)\b/,
  /\b(?:user|recipient|mailbox|address|account|person) (?:\S+ )?(?:does not|doesn'?t|did not) exist\b/,
  /\bno (?:such|mailbox|account|user|one|valid recipients?)\b.{0,30}\b(?:here|name|at this address|by that name|found|available|bye)\b/,
  /\b(?:not|isn'?t) a (?:valid|known|local) (?:user|recipient|mailbox|address)\b/,
  /\bis not a (?:known user|valid mailbox)\b/,
  /\b(?:not a local address|recipient is not local|not an active address)\b/,
  /\b(?:no mailbox|no mail ?box available|mailbox not present|mailbox unavailable|invalid mailbox path)\b/,
  /\brequested action not taken: mailbox unavailable\b/,
  /\brecipient (?:not ok|refuses to accept your mail|is not accepted)\b/,
  /\brecipient address rejected: (?:user unknown|unknown user|invalid user|undeliverable address|userunknown|invalid-recipient|access denied|user .{1,80} does not exist)/,
  /\b(?:badrcptto|badrecipientto|validrcptto)\b/,
  /\bdestination (?:addresses were unknown|server rejected recipients)\b/,
  /\b(?:email|e-mail) (?:account|address) (?:that you tried to reach )?(?:does not exist|could not be found|is wrong or no longer valid)/,
  /\b(?:resolver\.adr\.recipientnotfound|resolver\.adr\.recipient notfound|recipientnotfound)\b/,
  /#5\.1\.1\b/,
  /\baddress (?:invalid|unknown|does not exist|not present in directory|rejected\.)/,
  /\bthere is no one at this address\b/,
  /\bno account by that name\b/,
  /\bnot listed in (?:domino directory|public name & address book|the directory)\b/,
  /\bvdeliver: invalid or unknown virtual user\b/,
  /\buser missing home directory\b/,
  /\b(?:utilisateur inconnu|destinataire inconnu|no existe (?:dicha persona|ese usuario)|nessun utente simile|adresse (?:d au moins un destinataire )?invalide|unbekannte?r? (?:empf(?:ae|ä)nger|benutzer)|die adresse nicht gefunden)/,
  /\bunknown (?:e-?mail address|local-? ?part)\b/,
  /\bsorry, your envelope recipient (?:has been denied|is in my badrcptto list)\b/,
  /\b(?:this|the) (?:user|recipient|address) (?:is )?(?:not (?:known|found|listed)|doesn'?t have an? .{1,30} account)\b/,
  /\bthis spectator does not exist\b/,
  /\bmailbox \S+ does not exist\b/,
  /\brcpt .{1,80} does ?n[o']t exist\b/,
  /\b550 5\.1\.1 .{0,80}\buser unknown\b/,
];

/** The mailbox exists but rules (the recipient's own filters, carrier settings) refused the mail. */
const filtered: Phrases = [
  /\b(?:user|recipient) (?:reject|refuses? to receive)/,
  /\bmessage (?:rejected|refused) due to user rules\b/,
  /\brefused due to recipient preferences\b/,
  /\brecipient is only accepting mail from specific\b/,
  /\byou have been blocked by the recipient\b/,
  /\brecipient id refuse to receive mail\b/,
  /\bhas restricted sms e-?mail\b/,
  /\baccount is protected by\b/,
  /\bnot found recipient account\b/,
  /\bis not accepting any mail\b/,
  /\bbounced address\b/,
  /\bmessage filtered\b/,
];

/** The recipient's mailbox is over quota. */
const mailboxfull: Phrases = [
  /\b(?:mailbox|mail ?box|mailfolder|maildir|inbox|account|user|recipient)(?:'s)? (?:is |has )?(?:\S+ )?(?:full|over ?quota|over the quota|exceeded (?:\S+ )?(?:quota|storage|limit|size))/,
  /\b(?:quota|storage) (?:\S+ )?(?:exceeded|full|violation)\b/,
  /\bover (?:disk |storage )?quota\b/,
  /\b(?:disk|mailbox|maildir|mail) quota\b/,
  /\bexceeded (?:\S+ )?(?:storage allocation|quota)\b/,
  /\bfull mailbox\b/,
  /\bmailbox size limit exceeded\b/,
  /\bmailbox (?:would )?exceeds? (?:the )?(?:allowed|maximum)/,
  /\b(?:insufficient|not sufficient|not enough) (?:disk |storage )?space\b/,
  /\bno space left on device\b/,
  /\bout of storage space\b/,
  /\btoo much mail data\b/,
  /\buser has (?:exceeded quota|too many messages)\b/,
  /\buser'?s space has been used up\b/,
  /\bboite du destinataire pleine\b/,
  /\baccount storage limit\b/,
  /\baccount disabled temporarl?il?y for exceeding receiving limits\b/,
];

/** The message is bigger than the receiving system allows. */
const mesgtoobig: Phrases = [
  /\bmessage (?:file |size |length )?(?:is )?too (?:big|large)\b(?! for this recipient)/,
  /\b(?:message|mail) size (?:\S+ )?exceeds?\b/,
  /\bexceeded (?:the )?maximum (?:inbound|incoming) message size\b/,
  /\bmax(?:imum)? message size exceeded\b/,
  /\bsize limit\b/,
  /\bline limit exceeded\b/,
  /\bmessage length exceeds administrative limit\b/,
  /\bmessage too large for this (?:system|server)\b/,
  /\btaille limite du message atteinte\b/,
];

/** A per-recipient or per-message administrative limit (5.2.3). */
const exceedlimit: Phrases = [/\bmessage header size exceeds limit\b/, /\bmessage too large for this recipient\b/, /\brecipsizelimit\b/];

/** The recipient's account is disabled or suspended. */
const suspend: Phrases = [
  /\b(?:account|mailbox|user|address|recipient)(?: \S+)? (?:is |has been )?(?:currently |temporarily )?(?:suspended|disabled|deactivated|frozen|locked|inactive|terminated|discontinued|archived)\b/,
  /\b(?:suspended|disabled|deactivated|inactive|frozen|archived) (?:account|mailbox|user|recipient)\b/,
  /\bis a deactivated mailbox\b/,
  /\bmailbox unavailable or access denied\b/,
  /\brecipient (?:rejected: temporarily inactive|suspend the service)\b/,
  /\bthis address no longer accepts mail\b/,
  /\buser or domain is disabled\b/,
  /\binvalid\/inactive user\b/,
  /\bboite du destinataire archivee\b/,
  /\bemail account that you tried to reach is (?:disabled|inactive)\b/,
  /\btemporary locked\b/,
];

/** The address moved and mail is not forwarded. */
const hasmoved: Phrases = [/\bhas been replaced by\b/, /\bnot our customer\b/, /\buser not local; please try\b/, /\b(?:recipient|user|address) (?:has )?moved\b/, /\bno longer on (?:this )?server\b/];

/** The receiving server refused to relay for us. */
const norelaying: Phrases = [
  /\brelay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)\b/,
  /\b(?:no|insecure mail|not an open) relay/,
  /\bunable to relay\b/,
  /\b(?:not allowed|not permitted) to relay\b/,
  /\bnot configured to relay\b/,
  /\bas a relay\b/,
  /\brelaying mail to\b/,
  /\bnot a gateway\b/,
  /\bnot local host\b/,
  /\bwe don'?t handle mail for\b/,
  /\bspecified domain is not allowed\b/,
  /\bthat domain isn'?t in my list of allowed rcpthosts?\b/,
  /\brequires authentication when attempting to send to a non-local\b/,
  /\bemail address is not verified\.?/,
];

/** SPF / DKIM / DMARC / ARC failures. */
const authfailure: Phrases = [
  /\bspf (?:check|validation|authentication|record)?:? ?(?:fail|failed|hardfail|softfail)/,
  /\b(?:bad|invalid) spf record/,
  /\bsender policy framework (?:\(spf\) )?(?:fail|violation|check failed)/,
  /\bspf \(sender policy framework\) domain authentication fail/,
  /\binspect your spf settings\b/,
  /\bper (?:its|it's) spf record\b/,
  /\bspf\.pobox\.com\b/,
  /\bdmarc (?:policy|verification|check|fail|reject)/,
  /\b(?:does not|doesn'?t) pass dmarc\b/,
  /\bunauthenticated email from .{1,80} is not accepted\b/,
  /\bdkim (?:signature )?(?:fail|invalid|verification failed|check failed)/,
  /\bno (?:passing|valid|acceptable) dkim\b/,
  /\b(?:doesn'?t|does not) meet the (?:required )?authentication (?:level|requirements)\b/,
  /\bmust pass either spf or dkim\b/,
  /\bsender is unauthenticated\b/,
  /\bdane validation\b|\bdnssec-invalid\b/,
  /\barc validation\b/,
];

/** The sending host has no (or a wrong) reverse DNS name. */
const requireptr: Phrases = [
  /\b(?:no|missing|invalid|bad|generic) (?:dns )?ptr[ -]?(?:record|resource record)s?/,
  /\bptr record (?:setup|not found|is missing|required)\b/,
  /\breverse (?:dns|lookup|dns lookup)(?: for host \S+)? (?:failed|required|rejected|entry|validation)/,
  /\b(?:fix|no|invalid|missing|without) reverse dns\b/,
  /\bcannot (?:find your (?:hostname|reverse)|resolve your address)\b/,
  /\bforward dns entry does not point to the sending ip\b/,
  /\bip name lookup failed\b/,
  /\bsender ip reverse lookup rejected\b/,
  /\bunresolvable relay host name\b/,
  /\bmust have a reverse dns record\b/,
  /\bmismatches client ip\b/,
  /\binvalid rdns\b/,
  /\bunverifyable sending ips?\b/,
  /\bcustom reverse dns name\b/,
  /\bdns lookup failure: .{1,80} try again later\b/,
];

/** The message breaks the message format rules (RFC 5322 and friends). */
const notcompliantrfc: Phrases = [
  /\bnot rfc ?5322 compliant\b/,
  /\brfcmessagenoncompliant\b/,
  /\bduplicate header\b/,
  /\b(?:multiple|more than one)\b.{1,60}\bheaders?\b/,
  /\bblank from: addresses are not allowed\b/,
  /\bmultiple addresses in from\b/,
  /\bip addresses are not allowed as a from\b/,
];

/** The sending IP address or domain has a bad reputation. */
const badreputation: Phrases = [
  /\b(?:poor|bad|low|negative) (?:\S+ )?reputation\b/,
  /\bdue to ip reputation\b/,
  /\breputation (?:problems|score)\b/,
  /\bnone\/bad reputation\b/,
  /\btemporarily deferred due to unexpected volume or user complaints\b/,
];

/** Bad headers, MIME structure, encodings. */
const contenterror: Phrases = [
  /\bimproper use of 8-?bit data\b/,
  /\bheader size exceeds maximum\b/,
  /\b(?:invalid|malformed) mime\b/,
  /\bmime complexity\b/,
  /\btoo many (?:received|"received"):? headers\b/,
  /\bimproperly-formatted binary content\b/,
  /\bunnecessary base64 encoding\b/,
  /\binvalid characters\b/,
  /\bmessage header size, or recipient list, exceeds\b/,
  /\bbare (?:lf|line ?feed)/,
];

/** Our envelope sender (MAIL FROM) was refused. */
const rejected: Phrases = [
  /\bsender (?:address |email address |domain )?(?:rejected|refused|denied|is in my black ?list|has been blacklisted|is spammer|not pre-approved|verify failed|was rejected|domain is empty)\b/,
  /\b(?:invalid|bogus|unverified|forged) (?:sender|mail from|from address|return[- ]path)\b/,
  /\bdomain of sender address\b/,
  /\bunroutable sender\b/,
  /\b(?:empty|null) (?:envelope )?senders? (?:is |are )?not allowed\b/,
  /\bnull sender is not allowed\b/,
  /\bsyntax error: empty email address\b/,
  /\bfrom: domain is invalid\b/,
  /\bmail from not owned by user\b/,
  /\bbatv (?:failed|validation|: no tag)|rejected by batv\b/,
  /\bno third-party dsns\b/,
  /\bunsigned dsn\b/,
  /\breturned mail not accepted here\b/,
  /\baccess denied \((?:in reply to mail from command|sender blacklisted)\)/,
  /\bemetteur invalide\b/,
  /\b(?:your )?(?:e-?mail )?address has been blacklisted\b/,
  /\bsending to\/from an address that has been blacklisted\b/,
  /\bdelivery not authorized, message refused\b/,
  /\badministrative prohibition\b/,
  /\bfully qualified email address required\b/,
  /\bsenderfilterconfig\b/,
  /\bisn'?t on the recipient'?s list of senders\b/,
  /\bcan'?t determine purported responsible address\b/,
  /\bnot allowed to post to this (?:mailing )?list\b/,
  /\bthis server does not accept mail from\b/,
  /\bvalid sender domain\b/,
  /\bbackscatter protection\b/,
  /\bdenied \[bouncedeny\]|valid-address-filter\b/,
  /\bis not a registered gateway user\b/,
  /\bemail address is not verified\b/,
  /\brule imposed mailbox access for\b/,
  /\bmx records for \S+ (?:do not|don'?t) exist\b/,
  /\brecursive cname records\b/,
  /\baddress rejected\b/,
  /\baccess denied\b/,
  /\bdoes not exist e2110\b/,
];
/** Texts containing these are about the recipient or the client IP, not our sender. */
const rejectedIsNot: Phrases = [/\b5\.1\.0 address rejected\b/, /\brecipient address(?:es)? rejected\b/, /\bsender ip address rejected\b/];

/** The remote domain does not exist or has no mail route. */
const hostunknown: Phrases = [
  /\b(?:no such|unknown|invalid) (?:domain|host)\b/,
  /\b(?:host|domain) (?:or domain name )?(?:unknown|not found|does not exist|is not reachable|unreachable)\b/,
  /\bhost or domain name not found\b/,
  /\bdomain (?:name )?(?:does not exist|must exist|not found)\b/,
  /\bname or service not known\b/,
  /\bunrout(?:e)?able address\b/,
  /\bmail domain mentioned in email address is unknown\b/,
  /\baccount or domain may not exist\b/,
  /\bunknown domain name\b/,
  /\b553 .{1,80} does not exist\b/,
];

/** The content was judged to be spam. */
const spamdetected: Phrases = [
  /\bspam\b.{0,40}\b(?:detected|rejected|refused|blocked|not accepted|message|content|score|check|filter|email|e-mail|points|probability|complaints|characteristics|classification|block)\b/,
  /\b(?:detected|classified|identified|scored|rejected|considered|flagged|marked|treated|appears?|looks?|seems?) (?:as |to be |like |similar to )?(?:a )?(?:probable |potential |likely )?spam\b/,
  /\b(?:probable|possible|suspected|likely) spam\b/,
  /\b(?:unsolicited|bulk) (?:mail|e-?mail|commercial)\b/,
  /\bappears? to be unsolicited\b/,
  /\blikely unsolicited mail\b/,
  /\bube\b/,
  /\bspamassassin\b/,
  /\bmessage (?:content )?(?:filtered|rejected because of unacceptable content|content rejected)\b/,
  /\bcontent filter rejection\b/,
  /\b(?:rejecting|banned) (?:banned )?content\b/,
  /\bmail content denied\b/,
  /\bbulk\.advertising\b/,
  /\bblacklisted url\b|\buribl\b|\bsurbl\b/,
  /\bspam points?\b|\bspam score\b/,
  /\bpercent probability of being spam\b/,
  /\bmail score \(.{1,20} over\b/,
  /\brecurrent pattern detection\b/,
  /\bantispam checks\b/,
  /\btemporarily blocked by our filter\b/,
  /\bsender domain listed at\b/,
  /\bhelp_spam_16\.htm\b/,
  /\bgreylisted.{1,60}please try again\b/,
  /\b554 5\.7\.0 reject, id=/,
  /\breject(?:ed)? - bulk email\b/,
  /\bmass mail/,
];

/** Sending too fast: a rate limit, not a block. */
const speeding: Phrases = [
  /\b(?:temporarily )?rate[- ]limited\b/,
  /\brate limit(?:ed|ing)?\b(?! exceeded .{0,10}connections?)/,
  /\bplease try again slower\b|\bslow down\b/,
  /\breceiving mail at a rate that prevents\b/,
  /\b(?:sent|sending) too many (?:messages|mails)\b/,
  /\btoo many (?:messages|mails) (?:this|per|in)\b/,
  /\bmax(?:imum)? (?:number of )?(?:messages|emails) per (?:hour|session|day)\b/,
];

/** Too many connections / recipients at once. */
const toomanyconn: Phrases = [
  /\btoo many (?:connections|concurrent|sessions|smtp sessions|errors from your ip|recipients)\b/,
  /\bconnection (?:rate )?limit (?:exceeded|reached)|maximum connection limit\b/,
  /\bexceeds per-domain connection limit\b/,
  /\bmax emails per hour\b/,
  /\bthrottling failure\b/,
  /\b(?:ip|connection) frequency limited\b/,
  /\btrop de connexions\b/,
  /\bnumerous attempts to deliver this message\b/,
];

/** The connecting host (our IP, our HELO name) is refused, usually by a blocklist. */
const blocked: Phrases = [
  /\b(?:blocked|listed|blacklisted|rejected) (?:using|by|on|at|in) (?:\S+ )?(?:rbl|dnsbl|spamhaus|spamcop|barracuda|sorbs|abuseat|cbl|block ?list|black ?list|dnsbl)/,
  /\b(?:rbl|dnsbl|block ?list|black ?list|blacklist|blocklist)\b/,
  /\bspamhaus\b|\bspamcop\b|\bbarracudacentral\b|\babuseat\.org\b|\bsorbs\b/,
  /\b(?:client|sending|sender|your|source) (?:host|ip|ip address|address|network|server)(?: \S+)? (?:is |has been )?(?:blocked|rejected|banned|refused|listed|not allowed|blacklisted)\b/,
  /\bclient host rejected\b/,
  /\b(?:access|connection|mail) from (?:ip address )?\S+ (?:blocked|refused|denied)\b/,
  /\bbanned sending ip\b|\bbanned sender\b|\bbad sender ip\b/,
  /\b(?:dynamic|residential|dial-?up|zombie|zombied) (?:ip|ips|address|host|pool)/,
  /\bhosts? with dynamic ip\b/,
  /\bhelo command rejected\b|\bbad helo\b|\binvalid helo\b|\bhelo\/ehlo\b/,
  /\bconnection (?:dropped|refused by|reset by peer|was dropped by remote host)\b/,
  /\bnot accepting connections\b|\bnot currently accepting mail from your ip\b/,
  /\bservice not available, closing transmission channel\b/,
  /\bafter initial connection\b/,
  /\bgo away\b/,
  /\byou are not allowed to connect\b|\bno access from mail server\b/,
  /\bopen proxy\b/,
  /\byour (?:server requires confirmation|ip address is listed)\b|\bconfirm this mail server\b/,
  /\bis not allowed to send mail from\b|\binvalid ip for sending mail\b/,
  /\bpart of their network is on our block list\b/,
  /\buse the smtp server of your isp\b/,
  /\b(?:sending|currently sending|you are sending) spam\b|\btoo many (?:spams|unwanted messages) from\b/,
  /\bmay not be mail exchanger\b/,
  /\bwas not authenticated\b/,
  /\bsuspiciously like spammer\b/,
  /\bcustomer block list\b/,
  /\bblocked - see http|refused - see http\b/,
  /\bextreme bad ip profile\b/,
  /\bhost network not allowed\b/,
  /\bis in a black list\b|\bis blacklisted\b/,
  /\bip (?:address )?(?:\S+ )?(?:is |has been )?(?:blacklisted|blocked|banned|listed)\b/,
  /\bblocked ip\b/,
  /\bsorry, that domain isn'?t in my list of allowed rcpthosts\b/,
  /\bhas not passed validation\b/,
];

/** A virus scanner or attachment filter refused the mail. */
const virusdetected: Phrases = [
  /\bvirus\b(?!.{0,3}(?:or spam|\/spam))/,
  /\bmalware\b|\bmalicious\b/,
  /\bpotentially executable attachment\b/,
  /\binfected\b/,
];

/** Local policy (attachment types, list membership, organisation rules). */
const policyviolation: Phrases = [
  /\bpolicy (?:violation|reasons|restrictions?)\b/,
  /\b(?:denied|rejected|blocked|refused) (?:by|due to|for) (?:\S+ )?(?:local |organi[sz]ation(?:al)? |security |content )?polic(?:y|ies)\b/,
  /\borganizational settings\b|\borganization policy\b/,
  /\billegal attachment\b|\battachments? (?:\S+ )?(?:not allowed|prohibited|blocked)\b|\bcontaining images or other attachments\b/,
  /\b(?:members-only|closed mailing) list\b|\bnot subscribed to this group\b/,
  /\bnot accepting mail with (?:attachments|embedded images)\b/,
  /\bheader (?:are not accepted|error)\b/,
  /\bmessage given low priority\b/,
  /\bprotocol violation\b/,
  /\bcontent presents a potential\b/,
  /\bmass mailer\b/,
  /\bwithout solving a captcha\b/,
  /\bemail rejected due to security policies\b/,
];

/** Authentication required / bad credentials and similar security refusals. */
const securityerror: Phrases = [
  /\bauthentication (?:required|failure|failed|credentials invalid|turned on)\b/,
  /\b(?:client|sender|you) (?:was |were )?not authenticated\b/,
  /\bunauthenticated senders? not allowed\b/,
  /\bnot authorized to (?:send|perform)\b/,
  /\bverification failure\b/,
  /\bauthentification (?:invalide|requise)\b/,
  /\bdead domain\b/,
  /\bexecutable files are not allowed\b/,
  /\bnot subscribed to ses\b/,
  /\byou don'?t authenticate\b/,
];

/** The receiving server broke down or is misconfigured. */
const systemerror: Phrases = [
  /\b(?:aliasing\/forwarding loop|loops back to myself|loop was found|would create a mail loop)\b/,
  /\blocal (?:configuration )?(?:error|problem)\b|\btemporary local problem\b/,
  /\b(?:server|system|mail system) (?:config(?:uration)? error|is misconfigured)\b/,
  /\binternal (?:server )?error\b/,
  /\bqueue file write error\b|\bcan'?t create (?:user )?output file\b/,
  /\binterrupted system call\b|\btimeout waiting for input\b/,
  /\bservice (?:currently )?unavailable\b/,
  /\bunable to connect .{0,30}daemon\b/,
  /\bthere is no mdb\b|\bcould not load drd\b/,
  /\bencountered an error while being processed\b/,
  /\btransaction failed\b/,
  /\bmessage is looping\b/,
  /\bunable to contact ldap\b|\bldap (?:server )?(?:error|unavailable|failure)\b/,
];

/** The receiving server's disk is full. */
const systemfull: Phrases = [/\bmail system full\b/, /\bsystem (?:storage|disk) (?:is )?full\b/, /\brequested mail action aborted: exceeded storage allocation\b/];

/** DNS or network trouble between the servers. */
const networkerror: Phrases = [
  /\bhost (?:is )?unreachable\b|\bno route to host\b/,
  /\bhost name lookup failure\b|\bhost not found, try again\b/,
  /\b(?:malformed|unexpected) (?:or unexpected )?name server reply\b/,
  /\bdns records for the destination computer could not be found\b/,
  /\b(?:too many hops|hop count exceeded|routing loop|maximum forwarding loop)\b/,
  /\bmail forwarding loop\b|\bmessage looping\b/,
  /\bunable to resolve route\b|\bunrouteable mail domain\b/,
  /\bcould not connect and send\b/,
  /\b(?:wasn'?t|was not|unable to|could not|couldn'?t) (?:able to )?establish an? smtp connection\b/,
  /\bdns error\b/,
  /\bnetwork error on destination mxs?\b/,
  /\bdns (?:lookup|query|resolution) (?:error|failure|failed|timed out)\b/,
  /\btemporary (?:dns|lookup) failure\b/,
];

/** The mail stayed in the queue too long. */
const expired: Phrases = [
  /\b(?:delivery|message|queue) (?:time )?(?:expired|timed out|timeout)\b/,
  /\bconnection timed out\b/,
  /\b(?:has been|was) delayed\b/,
  /\b(?:in|sitting in) (?:the )?queue (?:too long|for)\b/,
  /\bretry time not reached\b|\bretry timeout exceeded\b/,
  /\bgiving up\b|\bgave up\b/,
  /\benvelope expired\b/,
  /\bcould not deliver for the last\b/,
  /\bdid not accept our requests to connect\b/,
  /\bcould not be delivered for (?:more than )?\S+ (?:days|hours)\b/,
  /\b(?:have been|has been) failing for a long time\b/,
  /\bunable to deliver (?:the )?message after multiple retries\b/,
  /\bnot reachable within the allowed queue period\b/,
  /\bdelivery attempts will continue\b/,
  /\bserver did not respond\b/,
  /\bcould not find a gateway for\b/,
  /\bfailed to deliver to domain\b/,
  /\bnot been collected after\b/,
  /\bmessage expired\b/,
];

/** A delivery program (pipe, procmail, maildrop) failed. */
const mailererror: Phrases = [
  /\bmailer error\b|\bx-unix; /,
  /\bprocmail\b|\bmaildrop\b|\bbin\/maidrop\b/,
  /\bcommand (?:failed|died with status|output)\b/,
  /\bpipe to \|\//,
  / \|\| exit /,
];

/** The server does not take mail at all (null MX, no MX). */
const notaccept: Phrases = [
  /\b(?:does not|doesn'?t) accept (?:any )?mail\b/,
  /\bnull ?mx\b/,
  /\bmail receiving disabled\b/,
  /\bno mx (?:record )?found for domain\b/,
  /\bindicated no smtp service\b/,
  /\bcouldn'?t find a mail exchanger\b/,
  /\brfc ?7505\b|\brfc\/rfc7505\b/,
  /\bname server: \.: host not found\b/,
  /\bno route for current request\b/,
  /\bsmtp protocol returned a permanent error\b/,
];

/** TLS problems. */
const failedstarttls: Phrases = [
  /\bstarttls (?:is )?required\b|\bmust issue a starttls\b|\btls (?:is )?required\b/,
  /\b(?:tls|starttls) (?:negotiation|handshake) failed\b/,
  /\btls required but not supported\b/,
  /\b(?:does not|doesn'?t) support (?:tls|starttls)\b/,
  /\bencryption (?:is )?required\b/,
];

/** The address or command we sent was malformed (Exim's address parser, SMTP 50x). */
const syntaxerror: Phrases = [
  /\bmalformed address\b/,
  /\bexpected word or "?<"?/,
  /\bangle-brackets nested too deep\b/,
  /\bdomain missing in source-routed address\b/,
  /\bsyntax error in (?:parameters|arguments|mail from|rcpt to)\b/,
];

/** Automatic replies. */
const vacation: Phrases = [/\b(?:out of (?:the )?office|on vacation|away from (?:the )?office|auto(?:matic)?[- ]?reply)\b/];

export const PHRASES: Partial<Record<Reason, Phrases>> = {
  userunknown,
  filtered,
  mailboxfull,
  mesgtoobig,
  exceedlimit,
  suspend,
  hasmoved,
  norelaying,
  authfailure,
  requireptr,
  notcompliantrfc,
  badreputation,
  contenterror,
  rejected,
  hostunknown,
  spamdetected,
  speeding,
  toomanyconn,
  blocked,
  virusdetected,
  policyviolation,
  securityerror,
  systemerror,
  systemfull,
  networkerror,
  expired,
  mailererror,
  notaccept,
  failedstarttls,
  syntaxerror,
  vacation,
};

/**
 * Each reason's phrases as one alternation: one pass over the text instead of one per phrase
 * (the classifier is a tenth of a bounce's analysis). Phrases carry no flags: the text is
 * lower-cased before it is asked.
 */
const COMBINED = new Map<Reason, RegExp | null>();
function alternation(list: Phrases): RegExp {
  return new RegExp(list.map((re) => `(?:${re.source})`).join("|"));
}
function combined(reason: Reason): RegExp | null {
  let re = COMBINED.get(reason);
  if (re === undefined) {
    const list = PHRASES[reason];
    re = list?.length ? alternation(list) : null;
    COMBINED.set(reason, re);
  }
  return re;
}
const rejectedIsNotOne = alternation(rejectedIsNot);

/** The classifier asks about one text many times in a row: remember the answers for it. */
let memoText = "";
const memo = new Map<Reason, boolean>();

/** Does the (lower-cased, collapsed) text say `reason`? */
export function says(reason: Reason, text: string): boolean {
  if (!text) return false;
  if (text !== memoText) {
    memoText = text;
    memo.clear();
  }
  const known = memo.get(reason);
  if (known !== undefined) return known;
  const one = combined(reason);
  const yes = !!one && !(reason === "rejected" && rejectedIsNotOne.test(text)) && one.test(text);
  memo.set(reason, yes);
  return yes;
}
