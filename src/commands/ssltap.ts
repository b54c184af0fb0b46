import {Args, Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

export default class Ssltap extends Command {
  static override summary = 'Relay one TCP connection and show what passes (NSS ssltap compatible).'

  static override description = `Listens on the rendezvous port (-p, default 1924), relays each client to HOST:PORT and prints each read: raw (no flag), as a hex dump (-h), or decoded as SSL/TLS records (-s, with -x for extra hex dumps); -f writes HTML. Server and client certificates seen with -s are saved as cert.001, cert.002, ... (DER) in the current directory. Output layout follows NSS 3.87 ssltap.
Beyond NSS: --full names every IANA cipher suite, extension, group and signature scheme, decodes TLS 1.3 extensions (supported_versions, key_share, psk modes, HelloRetryRequest) and tracks TLS 1.3 encryption; --starttls imap|pop3|smtp|auto shows the plaintext phase as lines with passwords masked and decodes records from the TLS handshake on; --json writes one JSON object per record or event; with -l connections are served concurrently and interleaved blocks are labelled [Connection #N].
Exit status: 0 after one session, 2 usage, 3 no :port, 4 bad port, 5 host lookup failed, 255 bind or connect failure.`

  static override examples = [
    '<%= config.bin %> ssltap -sx -p 1924 mail.example.com:993',
    '<%= config.bin %> ssltap -l -s --starttls smtp -p 2525 mail.example.com:25',
    '<%= config.bin %> ssltap --json -p 1993 127.0.0.1:993',
  ]

  static override args = {
    target: Args.string({description: 'upstream HOST:PORT', required: false}),
  }

  static override flags = {
    version: Flags.boolean({char: 'v', description: 'print the version'}),
    hex: Flags.boolean({char: 'h', description: 'hex dump of each read instead of raw bytes'}),
    fancy: Flags.boolean({char: 'f', description: 'HTML output (client blue, server red)'}),
    ssl: Flags.boolean({char: 's', description: 'decode SSL/TLS records and handshakes; save certificates as cert.NNN'}),
    extra: Flags.boolean({char: 'x', description: 'with -s: extra hex dumps of headers, randoms, session ids'}),
    port: Flags.string({char: 'p', helpValue: 'PORT', description: 'rendezvous port to listen on (default 1924)'}),
    loop: Flags.boolean({char: 'l', description: 'keep accepting connections (served concurrently)'}),
    full: Flags.boolean({description: 'with -s: decode beyond NSS (TLS 1.3, IANA names)'}),
    starttls: Flags.string({helpValue: 'PROTO', description: 'imap, pop3, smtp or auto: show the plaintext phase as lines, decode TLS after STARTTLS'}),
    json: Flags.boolean({description: 'one JSON object per record or event'}),
    help: Flags.help({description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'getopt', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('ssltap', this.argv)
  }
}
