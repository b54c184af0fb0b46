import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

export default class Configutil extends Command {
  static override summary = 'Read and change the configuration in the msgctl store (Messaging Server configutil syntax).'

  static override description = `With no options, lists every explicitly set parameter as "name = value".
-o NAME prints the effective value alone, for scripts; -o NAME -v VALUE sets it (validated first; a refused value changes nothing); -v "" clears a text value; -o NAME -d returns it to its default.
Names may carry a language tag (name;lang-jp), kept as a separate setting. Names under "site." are free for a site's own settings.
The store is msg.db in $MSGCTL_HOME (default ~/.msgctl); -f names another store file or directory.
Exit status: 0 success, 1 refused value or store error, 2 usage error.`

  static override examples = [
    '<%= config.bin %> configutil -o sasl.default.ldap.has_plain_passwords -v 1',
    '<%= config.bin %> configutil -o encryption.rsa.nssslpersonalityssl',
    '<%= config.bin %> configutil -o service.imap.domainallowed -v "imap: .siroe.com EXCEPT externalserver.siroe.com"',
    '<%= config.bin %> configutil -m -p service.pop',
    '<%= config.bin %> configutil -H -o service.imap.plaintextmincipher',
    '<%= config.bin %> configutil -i settings.txt',
    '<%= config.bin %> configutil -e backup.txt',
    '<%= config.bin %> configutil --json -p service.imap',
  ]

  static override flags = {
    option: Flags.string({char: 'o', helpValue: 'NAME', description: 'parameter to print, set (-v) or delete (-d); NAME;lang-xx for a language variant'}),
    value: Flags.string({char: 'v', helpValue: 'VALUE', description: 'new value for -o (validated; "" clears a text value)'}),
    delete: Flags.boolean({char: 'd', description: 'with -o: delete the explicit setting (back to the default)'}),
    prefix: Flags.string({char: 'p', helpValue: 'PREFIX', description: 'list parameters whose names start with PREFIX (or match a * pattern), defaults included'}),
    refreshable: Flags.boolean({char: 'm', description: 'with a listing: append [REFRESHABLE] or [NOT REFRESHABLE]'}),
    describe: Flags.boolean({char: 'H', description: 'describe parameters (all, -o NAME or -p PREFIX): meaning, type, range, default'}),
    validate: Flags.boolean({char: 'V', description: 'validate every stored value and the listeners as a whole; exit 1 on problems'}),
    import: Flags.string({char: 'i', helpValue: 'FILE', description: 'import name=value lines from FILE (- or nothing: stdin) in one transaction: all or nothing'}),
    export: Flags.string({char: 'e', helpValue: 'FILE', description: 'write every explicit setting to FILE (- for stdout) as an importable file (mode 0600)'}),
    file: Flags.string({char: 'f', helpValue: 'STORE', description: 'use this store (a msg.db file or its directory) instead of $MSGCTL_HOME'}),
    local: Flags.boolean({char: 'l', description: 'accepted for compatibility with older releases; has no effect'}),
    verbose: Flags.boolean({description: 'report progress of an import on stderr'}),
    json: Flags.boolean({description: 'print listings, values, descriptions and validation results as JSON'}),
    help: Flags.help({char: 'h', description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2, optionalValue: ['import']}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('configutil', this.argv)
  }
}
