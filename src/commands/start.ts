import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'
import {helpFlag, storeDirFlag} from '../cli/daemon_flags.js'

export default class Start extends Command {
  static override summary = 'Start the mail daemon (IMAP, POP3, SMTP and web mail, with TLS) for a store.'

  static override description = 'Opens the store in the configuration directory (-d, $MSGCTL_HOME or ~/.msgctl), creating it when missing. When the store has no Server-Cert, it creates a local CA, a Server-Cert for the host name and a random token password in sslpassword.conf (0600), switches TLS and the implicit-TLS ports on, and says so. Not started as root, the services use their classic ports plus 10000 (IMAP 10143, IMAPS 10993, POP3 10110, POP3S 10995, SMTP 10025, submission 10587, SMTPS 10465, HTTP 10080, HTTPS 10443). Started as root, it binds the ports and then runs as local.daemon.user (default: the owner of the configuration directory). The daemon detaches and logs to msgctl.log in the configuration directory; --foreground keeps it attached and logs to stderr. With --role proxy (or local.proxy.role proxy) it is a front end: it terminates TLS and authentication and hands SMTP to the relays in local.proxy.smtprelays (round robin, with failover) and IMAP and POP to the back ends in local.proxy.imapbackend and local.proxy.popbackend.'

  static override examples = [
    '<%= config.bin %> start -d /var/msgctl',
    '<%= config.bin %> start --foreground',
    '<%= config.bin %> start -d /var/msgctl-front --role proxy',
  ]

  static override flags = {
    dir: storeDirFlag,
    foreground: Flags.boolean({description: 'stay attached to the terminal and log to stderr'}),
    role: Flags.string({options: ['server', 'backend', 'proxy'], helpValue: 'ROLE', description: 'run as a mail server (server, also called backend) or as a front-end proxy for this run, overriding local.proxy.role; restart keeps the role in use'}),
    'detached-child': Flags.boolean({hidden: true}),
    help: helpFlag,
  }

  static nss: NssSyntax = {style: 'letters', usageExit: 2}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('start', this.argv)
  }
}
