import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../cli/daemon_flags.js'

export default class Status extends Command {
  static override summary = 'Show the daemon: pid, role, uptime, listeners, snapshot, open connections and, for a proxy, its relays.'

  static override description = 'A front-end proxy also shows one line per back-end SMTP relay: up or avoided until when, messages carried, last error. Exit status 0 when it runs, 3 when it does not (as init scripts expect).'

  static override examples = [
    '<%= config.bin %> status --json',
  ]

  static override flags = {
    dir: storeDirFlag,
    json: Flags.boolean({description: 'print as JSON'}),
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('status', this.argv)
  }
}
