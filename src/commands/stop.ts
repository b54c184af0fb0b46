import {Command} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../cli/daemon_flags.js'

export default class Stop extends Command {
  static override summary = 'Stop the daemon: no new connections, commands in flight finish, then close.'

  static override description = 'Waits up to 10 seconds for sessions to end, then closes the rest.'

  static override examples = [
    '<%= config.bin %> stop -d /var/msgctl',
  ]

  static override flags = {
    dir: storeDirFlag,
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('stop', this.argv)
  }
}
