import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

export default class Pk12util extends Command {
  static override summary = 'Import, export and list PKCS #12 files with the msgctl store (NSS pk12util compatible).'

  static override description = `Exactly one of -i FILE (import into the store), -o FILE -n NICK (export a certificate with its key and chain), -l FILE (list a file's contents, no store needed).
Options, messages, the -l layout and exit statuses follow NSS 3.87 pk12util; -d DIR (sql:DIR accepted) names the store directory (default $MSGCTL_HOME, then ~/.msgctl).
Export defaults are NSS 3.87's, which OpenSSL 3 reads without -legacy: the key under PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC), the certificates under PBES2 with AES-128-CBC, a SHA-256 MAC, 600000 iterations, 16-byte salts. -c/-C take NSS's names: AES-128-CBC, AES-192-CBC, AES-256-CBC, CAMELLIA-128/192/256-CBC, DES-EDE3-CBC, RC2-CBC, RC4, or "PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC", "... And 40 Bit RC2 CBC", "... And 128 Bit RC2 CBC", "... And 128 Bit RC4", "... And 40 Bit RC4"; -C NONE leaves certificates unencrypted; -M SHA-1, SHA-224, SHA-256, SHA-384, SHA-512 or MD5 (the PBKDF2 PRF follows it, as in NSS). For old clients: -c "PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC" -C "PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC" -M SHA-1.
Import reads files from OpenSSL 3 (default and -legacy), NSS and Windows: BER or DER, PBES2 or the PKCS #12 SHA-1 schemes (3DES, RC2, RC4), with or without friendlyName (a missing one is derived from the subject as NSS does: "CN - O"). Issuers are stored too, without trust (--ca-trust sets one); a certificate already present keeps its nickname; a nickname held by another subject is never overwritten: a derived one is used and both are named. All of a file is imported or none of it.
Beyond NSS: --json with -l; --iterations N for exports; --ca-trust TRUST for imported CA certificates; -h names only the internal token ("NSS Certificate DB", "internal", "Internal (Software) Token") in this version. Without -K/-k or -W/-w, passwords are asked on a terminal; without one, the command fails and says which flag answers.
Exit status as NSS: 0 success, 1 no password, 2 usage, 10 file cannot be opened, 13 token or token password, 17-19 decoding (wrong password, not PKCS #12), 24 no such certificate with a key, 30 unknown algorithm, 255 store cannot be opened.`

  static override examples = [
    '<%= config.bin %> pk12util -o server.p12 -n Server-Cert -d /srv/msg/config -k /srv/msg/config/sslpassword -W p12pass',
    '<%= config.bin %> pk12util -i server.p12 -d /srv/msg/config -k /srv/msg/config/sslpassword -w p12pwfile',
    '<%= config.bin %> pk12util -l server.p12 -W p12pass',
    '<%= config.bin %> pk12util -o legacy.p12 -n Server-Cert -d /srv/msg/config -W p12pass -c "PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC" -C "PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC" -M SHA-1',
  ]

  static override flags = {
    import: Flags.string({char: 'i', helpValue: 'FILE', description: 'command: import the PKCS #12 file into the store'}),
    list: Flags.string({char: 'l', helpValue: 'FILE', description: 'command: list the contents of the PKCS #12 file'}),
    output: Flags.string({char: 'o', helpValue: 'FILE', description: 'command: export -n NICK to this file (mode 0600)'}),
    nickname: Flags.string({char: 'n', helpValue: 'NICK', description: 'certificate to export (nickname or e-mail address)'}),
    dbdir: Flags.string({char: 'd', helpValue: 'DIR', description: 'store directory (sql:DIR accepted)'}),
    dbprefix: Flags.string({char: 'P', helpValue: 'PREFIX', description: 'accepted for compatibility; the store is always msg.db'}),
    token: Flags.string({char: 'h', helpValue: 'TOKEN', description: 'token: the internal one ("NSS Certificate DB", "internal") in this version'}),
    slotpwfile: Flags.string({char: 'k', helpValue: 'FILE', description: 'token password file (NSS format: token:password lines or one password)'}),
    slotpw: Flags.string({char: 'K', helpValue: 'PASSWORD', description: 'token password'}),
    p12pwfile: Flags.string({char: 'w', helpValue: 'FILE', description: 'PKCS #12 file password file'}),
    p12pw: Flags.string({char: 'W', helpValue: 'PASSWORD', description: 'PKCS #12 file password ("" for none)'}),
    'key-cipher': Flags.string({char: 'c', helpValue: 'ALG', description: 'key bag encryption (default AES-256-CBC)'}),
    'cert-cipher': Flags.string({char: 'C', helpValue: 'ALG', description: 'certificate safe encryption (default AES-128-CBC; NONE for none)'}),
    mac: Flags.string({char: 'M', helpValue: 'HASH', description: 'MAC digest (default SHA-256)'}),
    key_len: Flags.string({char: 'm', helpValue: 'BITS', description: 'key length for -c RC2-CBC / RC4 (40 or 128)'}),
    cert_key_len: Flags.string({helpValue: 'BITS', description: 'key length for -C RC2-CBC / RC4 (40 or 128)'}),
    raw: Flags.boolean({char: 'r', description: 'with -l: write each certificate to file0001.der, file0002.der ... instead of printing it'}),
    verbose: Flags.boolean({char: 'v', description: 'say more: why a file did not decode, what an export wrote'}),
    json: Flags.boolean({description: 'with -l: JSON output'}),
    iterations: Flags.string({helpValue: 'N', description: 'with -o: PBE and MAC iteration count (default 600000, as NSS)'}),
    'ca-trust': Flags.string({helpValue: 'TRUST', description: 'with -i: trust for imported CA certificates, e.g. "CT,C,C" (default none, as NSS)'}),
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('pk12util', this.argv)
  }
}
