import {Args, Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'

export default class UserShow extends Command {
  static override summary = 'Show one user.'

  static override description = 'Name, roles and when the user was created and last changed; never the password hash.'

  static override examples = [
    '<%= config.bin %> user show alice --json',
  ]

  static override args = {
    name: Args.string({required: true, description: 'user name (login)'}),
  }

  static override flags = {
    dir: Flags.string({char: 'd', helpValue: 'DIR', description: 'configuration directory holding msg.db (default $MSGCTL_HOME or ~/.msgctl)'}),
    json: Flags.boolean({description: 'print as JSON'}),
    help: Flags.help({char: 'h', description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:show', this.argv)
  }
}
