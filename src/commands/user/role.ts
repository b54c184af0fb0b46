import {Args, Command} from '@oclif/core'
import type {NssSyntax} from '../../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../../cli/daemon_flags.js'

export default class UserRole extends Command {
  static override summary = 'Make a user a store administrator, or an ordinary user again.'

  static override description = 'A store administrator (role admin) may log in to web mail from a portal host that service.http.proxydomainallowed admits and act for another user; role user takes that away. The daemon reads the role live: no reload is needed. LDAP users get the role through the group named by local.store.admingroupdn instead.'

  static override examples = [
    '<%= config.bin %> user role portal-admin admin',
    '<%= config.bin %> user role portal-admin user',
  ]

  static override args = {
    name: Args.string({required: true, description: 'user name (login)'}),
    role: Args.string({required: true, options: ['admin', 'user'], description: 'admin: a store administrator; user: an ordinary user'}),
  }

  static override flags = {
    dir: storeDirFlag,
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../../cli/oclif_bridge.js')
    await runFromOclif('user:role', this.argv)
  }
}
