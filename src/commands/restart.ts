import {Command} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../cli/daemon_flags.js'

export default class Restart extends Command {
  static override summary = 'Stop the daemon and start it again (needed for port and enable changes).'

  static override description = 'Same options as start.'

  static override examples = [
    '<%= config.bin %> restart -d /var/msgctl',
  ]

  static override flags = {
    dir: storeDirFlag,
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('restart', this.argv)
  }
}
