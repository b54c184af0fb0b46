import {Command} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../cli/daemon_flags.js'

export default class Reload extends Command {
  static override summary = 'Re-read the store and swap in a new snapshot (same as SIGHUP).'

  static override description = 'A snapshot that cannot be served (wrong key password in sslpassword.conf, missing certificate, bad filter) is refused: the reason is printed, the exit status is 1, and the daemon keeps serving with the snapshot it had. Sessions keep the snapshot they began with.'

  static override examples = [
    '<%= config.bin %> reload -d /var/msgctl',
  ]

  static override flags = {
    dir: storeDirFlag,
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('reload', this.argv)
  }
}
