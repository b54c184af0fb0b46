import {Args, Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../../cli/daemon_flags.js'

export default class UserPasswd extends Command {
  static override summary = "Change a user's password."

  static override description = 'Reads the new password like user add.'

  static override examples = [
    '<%= config.bin %> user passwd alice --password-file new.pw',
  ]

  static override args = {
    name: Args.string({required: true, description: 'user name (login)'}),
  }

  static override flags = {
    dir: storeDirFlag,
    'password-file': Flags.string({helpValue: 'FILE', description: 'read the password from the first line of FILE'}),
    'password-stdin': Flags.boolean({description: 'read the password from the first line of stdin'}),
    password: Flags.string({helpValue: 'PASSWORD', description: 'the password itself (visible to other local users; prefer --password-file)'}),
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:passwd', this.argv)
  }
}
