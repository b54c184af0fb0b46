import {Args, Command} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../../cli/daemon_flags.js'

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
    dir: storeDirFlag,
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:delete', this.argv)
  }
}
