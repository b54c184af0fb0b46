import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

export default class Restart extends Command {
  static override summary = 'Stop the daemon and start it again (needed for port and enable changes).'

  static override description = 'Same options as start.'

  static override examples = [
    '<%= config.bin %> restart -d /var/msgctl',
  ]

  static override flags = {
    dir: Flags.string({char: 'd', helpValue: 'DIR', description: 'configuration directory holding msg.db (default $MSGCTL_HOME or ~/.msgctl)'}),
    help: Flags.help({char: 'h', description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('restart', this.argv)
  }
}
