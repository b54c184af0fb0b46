import {Args, Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'

export default class UserDelete extends Command {
  static override summary = 'Delete a user from the embedded directory.'

  static override description = "The user's mail stays in the message store until removed separately."

  static override examples = [
    '<%= config.bin %> user delete alice',
  ]

  static override args = {
    name: Args.string({required: true, description: 'user name (login)'}),
  }

  static override flags = {
    dir: Flags.string({char: 'd', helpValue: 'DIR', description: 'configuration directory holding msg.db (default $MSGCTL_HOME or ~/.msgctl)'}),
    help: Flags.help({char: 'h', description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:delete', this.argv)
  }
}
