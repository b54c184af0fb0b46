/**
 * The configuration parameter registry: every name configutil accepts (apart
 * from free `site.*` names), with its kind, default, description and whether
 * `msgctl reload` applies it.
 *
 * Sources: the parameters the seed chapter names, the reference's §7.2 table,
 * and the ones later work needs (daemon, authentication, HTTP, front-end
 * proxy, token keys). Names that are ours rather than the original server's
 * say so in their description.
 *
 * Booleans have one stored form, `yes`/`no`; on input `on/off`, `1/0` and
 * `true/false` are accepted too and normalised (normalise.ts). Defaults below
 * are written in that stored form, including for the seed's on/off switches
 * (`nsserversecurity`, `encryption.rsa.nssslactivation`).
 *
 * Refreshable (re-read on reload): access filters, banners, timeouts, SASL
 * and LDAP lookup settings, TLS certificate/token/cipher choices. Not
 * refreshable (restart needed): enable switches, ports, capacity
 * (maxsessions, maxthreads, numprocesses), the process role and its user.
 */
import type {ParamDef} from './types.js'

type Extra = Pick<ParamDef, 'min' | 'max' | 'unit' | 'values' | 'separator' | 'obsolete'>

const defs: ParamDef[] = []

function add(name: string, kind: ParamDef['kind'], dflt: string, refreshable: boolean, description: string, extra: Extra = {}): void {
  defs.push({name, kind, default: dflt, description, refreshable, ...extra})
}

const FILTER_SYNTAX = 'syntax as in "Filter Syntax" of the security chapter (`services: clients [EXCEPT clients]`, one filter per line)'

// ---------------------------------------------------------------------------
// Services: IMAP, POP3, SMTP, HTTP
// ---------------------------------------------------------------------------

type Service = 'imap' | 'pop' | 'smtp' | 'http'

interface ServiceFacts {
  readonly label: string
  readonly port: number
  readonly sslport: number
  readonly idle: number
  readonly maxsessions: number
  readonly banner: boolean
  readonly anonymous: boolean
  readonly perIpCap: boolean
}

const SERVICES: Record<Service, ServiceFacts> = {
  imap: {label: 'IMAP', port: 143, sslport: 993, idle: 30, maxsessions: 4000, banner: true, anonymous: true, perIpCap: true},
  pop: {label: 'POP3', port: 110, sslport: 995, idle: 10, maxsessions: 600, banner: true, anonymous: true, perIpCap: true},
  smtp: {label: 'SMTP', port: 25, sslport: 465, idle: 5, maxsessions: 1000, banner: true, anonymous: false, perIpCap: true},
  http: {label: 'HTTP (web mail)', port: 80, sslport: 443, idle: 3, maxsessions: 6000, banner: false, anonymous: true, perIpCap: true},
}

const DEFAULT_BANNER = '%h %p service (%P %V)'

/** Idle-timeout defaults that are our choice rather than documented (pop's 10 is the reference's sample). */
const IDLE_NOTE: Record<Service, string> = {
  imap: ' Default 30, the minimum the IMAP RFC asks of an autologout timer (our choice).',
  pop: '',
  smtp: ' Default 5, the command timeout RFC 5321 suggests (our choice).',
  http: ' Default 3, suitable for keep-alive connections (our choice); web mail sessions outlive it, see service.http.sessiontimeout.',
}

for (const [svc, f] of Object.entries(SERVICES) as [Service, ServiceFacts][]) {
  const s = `service.${svc}`
  add(`${s}.enable`, 'bool', 'yes', false, `Run the ${f.label} service; when no, none of its listeners is opened.`)
  add(`${s}.port`, 'port', String(f.port), false, `Port of the ${f.label} listener for clear-text connections (which may upgrade with ${svc === 'http' ? 'a redirect to HTTPS' : 'STARTTLS'}).`)
  add(`${s}.enablesslport`, 'bool', 'no', false, `Also open the separate implicit-TLS ${f.label} port given by ${s}.sslport; requires nsserversecurity.`)
  add(`${s}.sslport`, 'port', String(f.sslport), false, `Port of the implicit-TLS ${f.label} listener, used when ${s}.enablesslport is yes.`)
  add(`${s}.sslusessl`, 'bool', 'yes', false, `Negotiate TLS as soon as a client connects to ${s}.sslport. Default yes (our choice; the sources give none), so the TLS port really speaks TLS.`)
  add(`${s}.idletimeout`, 'int', String(f.idle), true, `Minutes a ${f.label} connection may stay silent before the server closes it; 0 disables the limit.${IDLE_NOTE[svc]}`, {min: 0, unit: 'minutes'})
  add(`${s}.maxsessions`, 'int', String(f.maxsessions), false, `Largest number of simultaneous ${f.label} connections the service accepts; further clients are refused until one ends.${svc === 'pop' ? '' : ' The default is our choice.'}`, {min: 1, unit: 'sessions'})
  add(`${s}.maxthreads`, 'int', '250', false, `Upper bound on concurrent workers serving ${f.label} commands in one process (kept for compatibility with the original sizing model).`, {min: 1, unit: 'threads'})
  add(`${s}.numprocesses`, 'int', '1', false, `Number of ${f.label} server processes sharing the listeners.`, {min: 1, unit: 'processes'})
  add(`${s}.plaintextmincipher`, 'int', '0', true, `Rule for clear-text passwords over ${f.label}: -1 turns password login off, 0 accepts passwords without encryption, and any value above 0 accepts them only once TLS is active (and stops advertising them before).`, {min: -1, max: 1024})
  // The seed: SMTP filters only apply to authenticated sessions (port 25 must take mail from anyone).
  const refusedWhen = svc === 'smtp' ? 'may not authenticate (mail without AUTH is still taken)' : 'are refused before the greeting'
  add(`${s}.domainallowed`, 'filter', '', true, `Allow filters for ${f.label}: clients they match are admitted, evaluated before the deny filters; ${FILTER_SYNTAX}.`)
  add(`${s}.domainnotallowed`, 'filter', '', true, `Deny filters for ${f.label}: clients they match (and no allow filter admitted) ${refusedWhen}; ${FILTER_SYNTAX}.`)
  if (f.banner) {
    add(`${s}.banner`, 'string', DEFAULT_BANNER, true, `Greeting sent to ${f.label} clients on connect; %h is replaced by the host name, %p the protocol, %P the product and %V its version.`)
  }
  if (f.anonymous) {
    add(`${s}.allowanonymouslogin`, 'bool', 'no', true, `Offer the SASL ANONYMOUS mechanism on ${f.label}. Ignored when sasl.default.mech_list is set.`)
  }
  if (svc !== 'smtp') {
    const who = svc === 'http' ? 'hosts (for example a portal\'s login server)' : 'hosts'
    add(`${s}.proxydomainallowed`, 'filter', '', true, `Allow filters naming the ${who} from which a store administrator may proxy-authenticate to ${f.label} and act as another user (empty admits none); ${FILTER_SYNTAX}.`)
  }
  if (f.perIpCap) {
    add(`${s}.maxconnectionsperip`, 'int', '100', true, `Most simultaneous ${f.label} connections accepted from one client address; 0 removes the cap. Our parameter; default 100 is our choice (load tests from one address must raise it).`, {min: 0, unit: 'connections'})
    if (svc !== 'http') {
      const where = svc === 'smtp' ? 'SMTP submission connections (the submission and SSL ports; port 25 takes mail from other servers without login)' : `${f.label} connections`
      add(`${s}.maxunauthenticatedperip`, 'int', '20', true, `Most simultaneous ${where} from one client address that have not logged in yet; further ones are refused, so one address cannot try passwords in parallel. 0 removes the cap. Our parameter; default 20 leaves room for several clients behind one NAT.`, {min: 0, unit: 'connections'})
    }
  }
}

// HTTP only
add('service.http.sessiontimeout', 'int', '7200', true, 'Seconds a web mail session may stay unused before it ends and the user must log in again (7200 = two hours, the seed\'s default); independent of the connection idle timeout. Whole seconds, as Messenger Express counted them.', {min: 1, max: 604800, unit: 'seconds'})
add('service.http.healthendpoint', 'bool', 'no', true, 'Serve GET /health on the HTTP ports: a JSON object with the daemon\'s state and counters for monitoring, behind the same access filters as the web mail. Our parameter; off by default.')
add('local.store.admingroupdn', 'string', '', true, 'DN of the LDAP group (groupOfNames member or groupOfUniqueNames uniqueMember values) whose members are store administrators, who may proxy-authenticate from hosts that service.http.proxydomainallowed admits; empty: no LDAP user is one. Embedded users get the role with msgctl user add --admin. Our parameter.')

// SMTP only (all ours: the original configured its MTA elsewhere)
add('service.smtp.submissionport', 'port', '587', false, 'Port of the message submission listener (RFC 6409, STARTTLS and authentication); our parameter.')
add('service.smtp.localdomains', 'list', '', true, 'Space-separated domains whose mail is delivered into local mailboxes; empty means only the server\'s own host name. Our parameter.', {separator: ' '})
add('service.smtp.smarthost', 'hostlist', '', true, 'Relay host[:port] for outbound mail, several separated by spaces are tried in order; empty means mail goes directly to the recipient domain\'s mail exchangers. Our parameter.')
add('service.smtp.maxmessagesize', 'int', '26214400', true, 'Largest message accepted, in bytes, announced with the SIZE extension; 0 means no fixed limit. Our parameter; default 25 MiB is our choice.', {min: 0, unit: 'bytes'})
add('service.smtp.relayallowed', 'filter', 'smtp: 127.0.0.1 [::1]', true, `Clients that may relay mail to other domains without authenticating, as allow filters for the smtp service; ${FILTER_SYNTAX}. Plays the role of the original server's INTERNAL_IP mapping. Default: this host only. Our parameter.`)
add('service.smtp.popbeforesmtpttl', 'int', '900', true, 'Seconds after a successful POP login during which that client address may relay mail through SMTP; 0 turns POP-before-SMTP off. Our parameter.', {min: 0, unit: 'seconds'})

// ---------------------------------------------------------------------------
// SASL and password handling
// ---------------------------------------------------------------------------

add('sasl.default.ldap.has_plain_passwords', 'bool', 'no', true, 'Say that the directory can hand back users\' clear-text passwords, which makes it possible to offer APOP, CRAM-MD5 and DIGEST-MD5.')
add('sasl.default.auto_transition', 'bool', 'no', true, 'After a successful clear-text login, store the user\'s password again in the directory\'s default scheme, to migrate users to schemes that challenge-response mechanisms can use.')
add('sasl.default.transition_criteria', 'string', '', true, 'Former control for password transition; ignored, use sasl.default.auto_transition instead.', {obsolete: true})
add('sasl.default.mech_list', 'list', '', true, 'Space-separated SASL mechanisms offered by IMAP, POP and SMTP; when non-empty it is the exact set and overrides sasl.default.ldap.has_plain_passwords and service.imap.allowanonymouslogin. Empty: decided by those parameters.', {separator: ' '})
add('sasl.default.ldap.searchfilter', 'ldapfilter', '(&(uid=%U)(objectclass=inetmailuser))', true, 'LDAP filter used to find a user when the domain entry has no inetDomainSearchFilter of its own; %U is the user part of the login, %V its domain, %o the login as given, %% a percent sign (%d and %s are accepted for %V and %o); every value is escaped (RFC 4515).')
add('sasl.default.ldap.searchfordomain', 'int', '1', true, '1: find the domain entry first and then the user beneath it; 0: search for the user directly under local.ugldapbasedn (old single-domain layouts).', {min: 0, max: 1})

// ---------------------------------------------------------------------------
// TLS
// ---------------------------------------------------------------------------

add('nsserversecurity', 'bool', 'no', false, 'Main switch for SSL/TLS in all services (STARTTLS and the implicit-TLS ports); documented as on/off, stored as yes/no.')
add('encryption.rsa.nssslactivation', 'bool', 'yes', true, 'Use the RSA server key and certificate named by encryption.rsa.nsssltoken and encryption.rsa.nssslpersonalityssl. Default yes (our choice; the sources only say it is on once SSL is set up), so nsserversecurity alone turns TLS on.')
add('encryption.rsa.nsssltoken', 'string', 'internal', true, 'Token that holds the server\'s private key: internal for the store\'s own key database, otherwise the name of a PKCS #11 token added with modutil (its PIN comes from sslpassword.conf).')
add('encryption.rsa.nssslpersonalityssl', 'string', 'Server-Cert', true, 'Nickname of the certificate the server presents, looked up in the store (or on the token).')
add('encryption.nsssl3ciphers', 'list', '', true, 'Comma-separated cipher suites to allow (OpenSSL or IANA names); empty means the built-in modern set. Legacy suites such as RC4, DES, 3DES, export or NULL ones are refused with a warning.', {separator: ','})
add('encryption.nsssl2', 'bool', 'no', true, 'Historic SSL 2.0 switch; kept so old configurations load, but SSL 2.0 is never offered whatever its value.')
add('encryption.nsssl3', 'bool', 'yes', true, 'Switch for the SSL 3.0 protocol family, meaning TLS here; SSL 3.0 itself is never offered, and the lowest TLS version is encryption.tlsminversion.')
add('encryption.nsssl3sessiontimeout', 'int', '300', true, 'Seconds a TLS session may be resumed after its handshake; 0 disables resumption. Default 300 is our choice (the sources give none).', {min: 0, max: 86400, unit: 'seconds'})
add('encryption.nssslclientauth', 'enum', 'allowed', true, 'Client certificates: off never asks, allowed asks but lets clients without one in (certificate login when they send one), required refuses clients without a valid one. Default allowed (our choice) matches the chapter\'s behaviour of requesting a certificate when a client CA is trusted.', {values: ['off', 'allowed', 'required']})
add('encryption.tlsminversion', 'enum', 'TLSv1.2', true, 'Lowest TLS version the services accept; TLS 1.3 is always offered as well. Our parameter.', {values: ['TLSv1.2', 'TLSv1.3']})
add('local.ssldbpath', 'path', '', true, 'Directory holding the certificate and key databases; empty means the configuration directory.')
add('local.ssldbprefix', 'string', '', true, 'File name prefix of the certificate and key databases in local.ssldbpath (as certutil -P); empty for none.')

// ---------------------------------------------------------------------------
// Directory (LDAP)
// ---------------------------------------------------------------------------

add('local.ugldaphost', 'hostlist', '', true, 'User/group LDAP server(s) as space-separated host[:port], tried in order for failover; empty means the store\'s embedded directory is used.')
add('local.ugldapport', 'port', '389', true, 'Port of the user/group LDAP server(s) when a host gives none; 636 for LDAPS.')
add('local.ugldapusessl', 'bool', 'no', true, 'Connect to the user/group LDAP server(s) over SSL/TLS (LDAPS); set local.ugldapport to 636 with it.')
add('local.ugldapbasedn', 'dn', '', true, 'Base DN of the user/group tree, e.g. o=usergroup; domains and users are searched beneath it.')
add('local.ugldapbinddn', 'dn', '', true, 'DN the server binds as to search the user/group directory; empty binds anonymously.')
add('local.ugldapbindcred', 'secret', '', true, 'Password for local.ugldapbinddn; never shown in listings.')
add('local.ldapcheckcert', 'bool', 'yes', true, 'Check LDAP servers\' certificates against the CAs the store trusts. Default yes, a safe modern choice; set no only for a test server with a self-signed certificate.')
add('local.service.pab.ldapport', 'port', '389', true, 'Port of the LDAP server holding personal address books; 636 with local.service.pab.ldapusessl.')
add('local.service.pab.ldapusessl', 'bool', 'no', true, 'Reach the personal address book LDAP server over SSL/TLS (LDAPS).')

// ---------------------------------------------------------------------------
// Web mail to IMAP back end
// ---------------------------------------------------------------------------

add('local.service.proxy.imapport', 'port', '143', true, 'Port on which the web mail service reaches the IMAP back end.')
add('local.service.proxy.imapssl', 'bool', 'no', true, 'Let the web mail service talk to the IMAP back end over TLS.')
add('local.service.proxy.admin', 'string', '', true, 'Administrator login the web mail service uses on the IMAP back end to act on behalf of users.')
add('local.service.proxy.adminpass', 'secret', '', true, 'Password for local.service.proxy.admin; never shown in listings.')

// ---------------------------------------------------------------------------
// Daemon basics (ours)
// ---------------------------------------------------------------------------

add('local.daemon.user', 'string', '', false, 'Account the daemon switches to after binding its ports when started as root; empty means the owner of the configuration directory. Our parameter.')
add('local.hostname', 'string', '', false, 'Host name the server uses in greetings, EHLO and its generated certificate; empty means the machine\'s host name. Our parameter.')

// ---------------------------------------------------------------------------
// Front-end proxy role (ours; names follow the seed's SMTP proxy options)
// ---------------------------------------------------------------------------

add('local.proxy.role', 'enum', 'server', false, 'server: handle mail itself; proxy: act as a front end that terminates TLS and authentication and passes traffic to back-end servers. Our parameter.', {values: ['server', 'proxy']})
add('local.proxy.smtprelays', 'hostlist', '', true, 'Back-end SMTP relays as space-separated host[:port], used round robin; required in the proxy role (SmtpRelays).')
add('local.proxy.smtpproxypassword', 'secret', '', true, 'Shared secret that authenticates the proxy\'s client-address extension (XPROXYEHLO); the front end proves it knows it (it never crosses the wire) and a back end accepts the extension only with the same value, and offers it only when this is set (SmtpProxyPassword, and PROXY_PASSWORD on the relays).')
add('local.proxy.ehlokeywords', 'list', '', true, 'Extra EHLO keywords the proxy passes from the relays to clients besides those it always supports, space-separated (EhloKeywords).', {separator: ' '})
add('local.proxy.popbeforesmtpkludgechannel', 'string', '', true, 'Channel name handed to the relay for clients allowed by POP-before-SMTP, e.g. tcp_intranet; empty for none (PopBeforeSmtpKludgeChannel).')
add('local.proxy.clientlookup', 'bool', 'no', true, 'Resolve every client address to a name at the proxy so the relays need not (ClientLookup).')
add('local.proxy.failovertimeout', 'int', '10', true, 'Seconds to wait for a relay before trying the next; a failed relay is then avoided for as many minutes (FailoverTimeout).', {min: 1, unit: 'seconds'})
add('local.proxy.preauth', 'bool', 'no', true, 'Remember successful POP logins at the proxy so those addresses may relay for local.proxy.authservicettl (PreAuth).')
add('local.proxy.authservicettl', 'int', '900', true, 'Seconds a POP login at the proxy lets its client address submit mail; 900 to 1800 is typical (AuthServiceTTL).', {min: 0, unit: 'seconds'})
add('local.proxy.imapbackend', 'list', '', true, 'Back-end IMAP servers the proxy logs users in to, space-separated: host[:port] for everyone (port 143 by default), user=host[:port] or @domain=host[:port] for some; the most specific entry wins. Plays the role of the multiplexor\'s mailHost lookup. Our parameter.', {separator: ' '})
add('local.proxy.popbackend', 'list', '', true, 'Back-end POP3 servers the proxy logs users in to, in the same form as local.proxy.imapbackend (port 110 by default). Our parameter.', {separator: ' '})

// ---------------------------------------------------------------------------

function finish(list: ParamDef[]): readonly ParamDef[] {
  const seen = new Set<string>()
  for (const d of list) {
    if (d.name !== d.name.toLowerCase()) throw new Error(`parameter ${d.name} must be lower case`)
    if (seen.has(d.name)) throw new Error(`parameter ${d.name} defined twice`)
    seen.add(d.name)
  }
  const sorted = [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return Object.freeze(sorted.map((d) => Object.freeze(d)))
}

export const PARAMETERS: readonly ParamDef[] = finish(defs)
