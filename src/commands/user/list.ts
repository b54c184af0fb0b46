import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'

export default class UserList extends Command {
  static override summary = 'List the users of the embedded directory.'

  static override description = 'One name per line, or --json.'

  static override examples = [
    '<%= config.bin %> user list --json',
  ]

  static override flags = {
    dir: Flags.string({char: 'd', helpValue: 'DIR', description: 'configuration directory holding msg.db (default $MSGCTL_HOME or ~/.msgctl)'}),
    json: Flags.boolean({description: 'print as JSON'}),
    help: Flags.help({char: 'h', description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:list', this.argv)
  }
}
