import {Args, Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../../cli/daemon_flags.js'

export default class UserShow extends Command {
  static override summary = 'Show one user.'

  static override description = 'Name, mail address, roles (admin for a store administrator), and when the user was created and last changed; never the password hash.'

  static override examples = [
    '<%= config.bin %> user show alice --json',
  ]

  static override args = {
    name: Args.string({required: true, description: 'user name (login)'}),
  }

  static override flags = {
    dir: storeDirFlag,
    json: Flags.boolean({description: 'print as JSON'}),
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:show', this.argv)
  }
}
