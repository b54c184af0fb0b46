import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

const cmd = Flags.boolean

export default class Cmsutil extends Command {
  static override summary = 'Sign, verify, encrypt and decrypt CMS (S/MIME) messages with the msgctl store (NSS cmsutil compatible).'

  static override description = `One mode per run: -S (SignedData), -E (EnvelopedData), -O (certs-only), -C (EncryptedData), -D (decode and verify).
Options follow NSS 3.87 cmsutil (getopt style: -Sn, -h1). Content is streamed: a message of any size is signed, verified, encrypted and decrypted in bounded memory, and an output file appears only when the whole operation succeeded.
Beyond NSS: -Z identifies the signer by subject key identifier; EC recipients get ECDH key agreement (RFC 5753); --cipher picks the content cipher (aes128, aes192, aes256 CBC; aes128-gcm, aes256-gcm make AuthEnvelopedData); --json with -D prints the levels, signers and statuses as JSON.
Exit status: 0 success (and -D -h whatever the signature status), 1 failure, 255 usage.`

  static override examples = [
    '<%= config.bin %> cmsutil -S -N bob -G -P -i msg.txt -o msg.p7m -d /srv/msg/config -f pwfile',
    '<%= config.bin %> cmsutil -S -T -N bob -i msg.txt -o msg.p7s -d /srv/msg/config -f pwfile',
    '<%= config.bin %> cmsutil -D -i msg.p7m -h 1 -d /srv/msg/config',
    '<%= config.bin %> cmsutil -D -i msg.p7s -c msg.txt -n -d /srv/msg/config',
    '<%= config.bin %> cmsutil -E -r alice@example.com,bob -i msg.txt -o msg.env -d /srv/msg/config',
    '<%= config.bin %> cmsutil -D -i msg.env -o msg.txt -d /srv/msg/config -f pwfile',
    '<%= config.bin %> cmsutil -O -r "bob,Test CA" -o certs.p7c -d /srv/msg/config',
  ]

  static override flags = {
    // Modes
    encrypted: cmd({char: 'C', description: 'mode: create an EncryptedData message (key from the envelope in -e)'}),
    decode: cmd({char: 'D', description: 'mode: decode a message: verify signers, decrypt, write the content'}),
    envelope: cmd({char: 'E', description: 'mode: create an EnvelopedData message for -r recipients'}),
    certsonly: cmd({char: 'O', description: 'mode: create a certs-only message with the -r certificates'}),
    sign: cmd({char: 'S', description: 'mode: create a SignedData message signed by -N'}),
    // -D options
    batch: cmd({char: 'b', description: 'with -D: decode each file named in the input, one per line'}),
    content: Flags.string({char: 'c', helpValue: 'FILE', description: 'with -D: the detached content a signature covers'}),
    headers: Flags.string({char: 'h', helpValue: 'N', description: 'with -D: print N levels of message info as e-mail style headers before the content'}),
    keep: cmd({char: 'k', description: 'with -D: keep the message\'s certificates in the store'}),
    nocontent: cmd({char: 'n', description: 'with -D: do not write the content'}),
    // -E/-O/-C options
    recipients: Flags.string({char: 'r', helpValue: 'ID,...', description: 'recipients (nicknames or e-mail addresses), comma separated'}),
    // -S options
    signingtime: cmd({char: 'G', description: 'with -S: include a signing time attribute'}),
    hash: Flags.string({char: 'H', helpValue: 'HASH', description: 'with -S: digest SHA1, SHA224, SHA256 (default), SHA384, SHA512'}),
    nickname: Flags.string({char: 'N', helpValue: 'NICK', description: 'with -S: the signing certificate (nickname or e-mail)'}),
    capabilities: cmd({char: 'P', description: 'with -S: include an S/MIME capabilities attribute'}),
    detached: cmd({char: 'T', description: 'with -S: leave the content out of the message (detached signature)'}),
    keypref: Flags.string({char: 'Y', helpValue: 'NICK', description: 'with -S: encryption key preference certificate (default the signer\'s; NONE omits it)'}),
    subjectkeyid: cmd({char: 'Z', description: 'with -S: identify the signer by subject key identifier'}),
    // General
    dbdir: Flags.string({char: 'd', helpValue: 'DIR', description: 'store directory (sql:DIR accepted)'}),
    envfile: Flags.string({char: 'e', helpValue: 'FILE', description: 'enveloped data whose content key -C uses (created there when missing) and -D needs for EncryptedData'}),
    input: Flags.string({char: 'i', helpValue: 'FILE', description: 'input (default stdin)'}),
    output: Flags.string({char: 'o', helpValue: 'FILE', description: 'output (default stdout)'}),
    password: Flags.string({char: 'p', helpValue: 'PASSWORD', description: 'token password'}),
    pwfile: Flags.string({char: 'f', helpValue: 'FILE', description: 'token password file'}),
    nssopt: Flags.string({char: 's', helpValue: 'ARG', hidden: true, description: 'accepted for compatibility'}),
    usage: Flags.string({char: 'u', helpValue: 'N', description: 'certificate usage code 0-11 (default 4, certUsageEmailSigner)'}),
    verbose: cmd({char: 'v', description: 'print progress on stderr'}),
    cipher: Flags.string({helpValue: 'NAME', description: 'with -E/-C: aes256 (default), aes192, aes128, aes128-gcm, aes192-gcm, aes256-gcm'}),
    json: cmd({description: 'with -D: print the levels and signer statuses as JSON'}),
    help: Flags.help({description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'getopt', usageExit: 255}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('cmsutil', this.argv)
  }
}
