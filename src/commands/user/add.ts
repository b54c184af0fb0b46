import {Args, Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../../cli/daemon_flags.js'

export default class UserAdd extends Command {
  static override summary = "Add a user to the store's embedded directory."

  static override description = 'Creates a mail user who can log in to IMAP, POP3 and SMTP until LDAP is configured. The password is read from --password-file (first line), from stdin with --password-stdin, or asked twice on a terminal; it is stored as a salted scrypt hash, with SCRAM-SHA-1 and SCRAM-SHA-256 keys so those mechanisms work without a clear-text password. --password puts it on the command line, where other local users can see it: a warning says so. --admin creates a store administrator (msgctl user role changes it later).'

  static override examples = [
    '<%= config.bin %> user add alice --password-file alice.pw',
    'printf "s3cret\\n" | <%= config.bin %> user add bob --password-stdin',
    '<%= config.bin %> user add carol --mail carol@example.com --password-file carol.pw',
    '<%= config.bin %> user add portal-admin --admin --password-file admin.pw',
  ]

  static override args = {
    name: Args.string({required: true, description: 'user name (login)'}),
  }

  static override flags = {
    dir: storeDirFlag,
    'password-file': Flags.string({helpValue: 'FILE', description: 'read the password from the first line of FILE'}),
    'password-stdin': Flags.boolean({description: 'read the password from the first line of stdin'}),
    password: Flags.string({helpValue: 'PASSWORD', description: 'the password itself (visible to other local users; prefer --password-file)'}),
    mail: Flags.string({helpValue: 'ADDRESS', description: "the user's e-mail address: web mail sends from it, and certificate login maps certificates carrying it to this user"}),
    admin: Flags.boolean({description: 'make the user a store administrator, who may proxy-authenticate as other users from web mail portals (see user role)'}),
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:add', this.argv)
  }
}
