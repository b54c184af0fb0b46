import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

const cmd = Flags.boolean

export default class Certutil extends Command {
  static override summary = 'Manage certificates and keys in the msgctl store (NSS certutil compatible).'

  static override description = `Exactly one command per run: -N (initialise the token password), -S (make a key and certificate), -R (request), -C (issue from a request), -G (key only), -L (list or show), -K (list keys), -A (add a certificate), -D (delete), -F (delete a key), -M (modify trust), -V (validate), -O (chain), -W (change password), -U (tokens), -E (add an e-mail certificate), -T (reset the token), -B (batch), --rename.
Options and messages follow NSS 3.87 certutil; -d DIR (sql:DIR accepted) names the store directory (default $MSGCTL_HOME, then ~/.msgctl).
Beyond NSS: a self-signed certificate made with CA trust (C or T) gets critical basicConstraints CA:TRUE, and subject and authority key identifiers are added to every certificate (--no-ca-defaults turns the first off); a certificate whose CN is a host name gets it as a subjectAltName dNSName unless -8/--extSAN is given (--no-san-default turns this off); -o with -S writes the new certificate; --basic-constraints answers -2 without a prompt; --json on -L, -K, -V, -O and -U; -B applies all lines or none. Where NSS prompts (passwords, -2), this asks only on a terminal; scripts answer with -f/-@ and --basic-constraints, and without a terminal get an error instead of a wait.
Exit status: 0 success, 255 failure, 1 usage/help.`

  static override examples = [
    '<%= config.bin %> certutil -N -d /srv/msg/config -f /srv/msg/config/sslpassword',
    '<%= config.bin %> certutil -S -n SampleRootCA -x -t "CTu,CTu,CTu" -s "CN=My Sample Root CA, O=sesta.com" -m 25000 -o SampleRootCA.crt -d /srv/msg/config -f pwfile -z /etc/passwd',
    '<%= config.bin %> certutil -S -n Server-Cert -c SampleRootCA -t "u,u,u" -s "CN=mail.sesta.com, o=sesta.com" -m 25001 -d /srv/msg/config -f pwfile',
    '<%= config.bin %> certutil -V -u V -n Server-Cert -d /srv/msg/config',
    '<%= config.bin %> certutil -L -d /srv/msg/config',
    '<%= config.bin %> certutil -L -n Server-Cert -a -d /srv/msg/config',
  ]

  static override flags = {
    // Commands
    create: cmd({char: 'N', description: 'command: initialise the token password (acts as -W on an initialised store)'}),
    selfsign: cmd({char: 'S', description: 'command: generate a key pair and a certificate (-x self-signed or -c ISSUER) and add both'}),
    request: cmd({char: 'R', description: 'command: make a key and a PKCS #10 request (-o FILE or stdout; -a PEM)'}),
    issue: cmd({char: 'C', description: 'command: issue a certificate for the request in -i FILE, signed by -c ISSUER or -x'}),
    add: cmd({char: 'A', description: 'command: add a certificate from -i FILE or stdin (DER or PEM) with trust -t'}),
    addemail: cmd({char: 'E', description: 'command: add an e-mail (S/MIME) certificate; like -A, and it must name an address'}),
    delete: cmd({char: 'D', description: 'command: delete the certificate named -n (its key stays)'}),
    deletekey: cmd({char: 'F', description: 'command: delete a key (-n NICK or -k KEYID) and its certificates'}),
    genkey: cmd({char: 'G', description: 'command: generate a key pair only'}),
    keys: cmd({char: 'K', description: 'command: list private keys'}),
    list: cmd({char: 'L', description: 'command: list certificates, or show -n NICK (-a PEM, -r DER)'}),
    modify: cmd({char: 'M', description: 'command: change the trust of -n NICK to -t TRUST'}),
    chain: cmd({char: 'O', description: 'command: print the chain of -n NICK, root first'}),
    tokens: cmd({char: 'U', description: 'command: list tokens'}),
    validate: cmd({char: 'V', description: 'command: validate -n NICK for usage -u'}),
    changepw: cmd({char: 'W', description: 'command: change the token password (-f old, -@ new)'}),
    reset: cmd({char: 'T', description: 'command: reset the token: delete every key and certificate (-0 PASSWORD or -f FILE when it has a password)'}),
    batch: cmd({char: 'B', description: 'command: run the certutil command lines in -i FILE, all in one transaction (any failing line: nothing applied)'}),
    rename: Flags.boolean({description: 'command: rename -n OLD to --new-n NEW'}),
    // Options
    dbdir: Flags.string({char: 'd', helpValue: 'DIR', description: 'store directory (sql:DIR accepted)'}),
    dbprefix: Flags.string({char: 'P', helpValue: 'PREFIX', description: 'accepted for compatibility; the store is always msg.db'}),
    nickname: Flags.string({char: 'n', helpValue: 'NICK', description: 'certificate nickname (or e-mail address for lookups)'}),
    trust: Flags.string({char: 't', helpValue: 'TRUST', description: 'trust flags SSL,S/MIME,JAR/XPI, letters p P c C T u'}),
    subject: Flags.string({char: 's', helpValue: 'DN', description: 'subject, e.g. "CN=mail.example.com,O=Example,C=US"'}),
    issuer: Flags.string({char: 'c', helpValue: 'NICK', description: 'issuing CA nickname for -S'}),
    self: Flags.boolean({char: 'x', description: 'self-sign (-S)'}),
    keytype: Flags.string({char: 'k', helpValue: 'TYPE', description: 'key type rsa (default), ec, ed25519; all with -K'}),
    keysize: Flags.string({char: 'g', helpValue: 'BITS', description: 'RSA key size 512..8192 (default 2048)'}),
    curve: Flags.string({char: 'q', helpValue: 'CURVE', description: 'EC curve nistp256 (default), nistp384, nistp521'}),
    exponent: Flags.string({char: 'y', helpValue: 'EXP', description: 'RSA public exponent 3, 17 or 65537 (default)'}),
    noise: Flags.string({char: 'z', helpValue: 'FILE', description: 'noise file; accepted for compatibility (keys come from the system RNG)'}),
    hash: Flags.string({char: 'Z', helpValue: 'HASH', description: 'signature hash SHA1, SHA224, SHA256 (default), SHA384, SHA512'}),
    serial: Flags.string({char: 'm', helpValue: 'N', description: 'serial number (default from the clock, as NSS)'}),
    months: Flags.string({char: 'v', helpValue: 'MONTHS', description: 'validity in months (default 3)'}),
    warp: Flags.string({char: 'w', helpValue: 'MONTHS', description: 'shift the start of validity by MONTHS'}),
    phone: Flags.string({char: 'p', helpValue: 'PHONE', description: 'contact phone for -R (accepted)'}),
    input: Flags.string({char: 'i', helpValue: 'FILE', description: 'input file (certificate for -A)'}),
    output: Flags.string({char: 'o', helpValue: 'FILE', description: 'output file (the new certificate with -S)'}),
    ascii: Flags.boolean({char: 'a', description: 'PEM instead of DER'}),
    raw: Flags.boolean({char: 'r', description: 'raw DER output with -L -n'}),
    token: Flags.string({char: 'h', helpValue: 'TOKEN', description: 'token name or pkcs11: URI; internal (the store\'s token) in this version, all with -L -K -O'}),
    pwfile: Flags.string({char: 'f', helpValue: 'FILE', description: 'password file (NSS format: token:password lines or one password)'}),
    newpwfile: Flags.string({helpValue: 'FILE', description: '(-@) new password file'}),
    ssopw: Flags.string({helpValue: 'PW', description: '(-0) security officer password for -T'}),
    readwrite: Flags.boolean({char: 'X', description: 'accepted for compatibility'}),
    checksig: Flags.boolean({char: 'e', description: 'with -V: check signatures too (always done here)'}),
    log: Flags.boolean({char: 'l', description: 'with -V: one line per failing certificate on stderr'}),
    time: Flags.string({char: 'b', helpValue: 'YYMMDDHHMMSSZ', description: 'with -V: validate at this time'}),
    usage: Flags.string({char: 'u', helpValue: 'USAGE', description: 'with -V: C client, V server, L SSL CA, A any CA, S e-mail signer, R e-mail recipient, ...'}),
    keyUsage: Flags.string({helpValue: 'LIST', description: '(-1) key usage keywords: digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,certSigning,crlSigning[,critical]'}),
    basicConstraints: Flags.boolean({description: '(-2) ask for basic constraints on the terminal; scripts use --basic-constraints'}),
    'basic-constraints': Flags.string({helpValue: 'SPEC', description: 'non-interactive -2: "ca", "ca,pathlen=N", "notca", each optionally ",critical"'}),
    authKeyId: Flags.boolean({description: '(-3) authority key id (added automatically for CA-issued certificates)'}),
    crlDist: Flags.boolean({description: '(-4) CRL distribution points (not built yet)'}),
    nsCertType: Flags.string({helpValue: 'LIST', description: '(-5) Netscape certificate type keywords'}),
    extKeyUsage: Flags.string({helpValue: 'LIST', description: '(-6) extended key usage keywords, e.g. serverAuth,clientAuth'}),
    emails: Flags.string({helpValue: 'LIST', description: '(-7) comma list of e-mail addresses for subjectAltName'}),
    dnsnames: Flags.string({helpValue: 'LIST', description: '(-8) comma list of DNS names for subjectAltName'}),
    extSAN: Flags.string({helpValue: 'LIST', description: 'subjectAltName as type:name,... (dns, email, ip, uri, dn)'}),
    extGeneric: Flags.string({helpValue: 'SPEC', description: 'OID:critical|not-critical:DERFILE,... raw extensions'}),
    email: Flags.string({helpValue: 'ADDR', description: 'with -L: select by e-mail address'}),
    'dump-ext-val': Flags.string({helpValue: 'OID', description: 'with -L -n: write the DER value of this extension'}),
    'simple-self-signed': Flags.boolean({description: 'with -O: do not build a chain for a self-signed certificate'}),
    'new-n': Flags.string({helpValue: 'NICK', description: 'new nickname for --rename'}),
    pss: Flags.boolean({description: 'RSA-PSS key (with -S)'}),
    'pss-sign': Flags.boolean({description: 'sign with RSA-PSS'}),
    'empty-password': Flags.boolean({description: 'with -N: no token password'}),
    'no-ca-defaults': Flags.boolean({description: 'with -S -x: do not add basicConstraints CA for C/T trust'}),
    'no-san-default': Flags.boolean({description: 'with -S: do not copy a host-name CN into subjectAltName'}),
    expiring: Flags.string({helpValue: 'DAYS', description: 'with -L: only certificates that expire within DAYS; exit 1 when any do'}),
    json: Flags.boolean({description: 'with -L, -K, -V, -O or -U: JSON output'}),
    syntax: Flags.boolean({description: 'print a compact synopsis'}),
    help: Flags.help({char: 'H', description: 'show this help'}),
  }

  static nss: NssSyntax = {
    style: 'letters',
    usageExit: 1,
    words: {'1': 'keyUsage', '2': 'basicConstraints', '3': 'authKeyId', '4': 'crlDist', '5': 'nsCertType', '6': 'extKeyUsage', '7': 'emails', '8': 'dnsnames', '@': 'newpwfile', '0': 'ssopw'},
  }

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('certutil', this.argv)
  }
}
