import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../../cli/daemon_flags.js'

export default class UserList extends Command {
  static override summary = 'List the users of the embedded directory.'

  static override description = 'One name per line, or --json.'

  static override examples = [
    '<%= config.bin %> user list --json',
  ]

  static override flags = {
    dir: storeDirFlag,
    json: Flags.boolean({description: 'print as JSON'}),
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:list', this.argv)
  }
}
