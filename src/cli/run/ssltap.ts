import {lookup} from 'node:dns/promises'
import type {StartTlsProtocol} from '../../core/ssltap/index.js'
import {HTML_HEAD, listen} from '../ssltap/listener.js'
import {TapOutput} from '../ssltap/output.js'
import type {CommandRun} from './types.js'

export const USAGE = `Usage: ssltap [-vhfsxl] [-p port] hostname:port
   -v      [prints version string]
   -h      [outputs hex instead of ASCII]
   -f      [turn on Fancy HTML coloring]
   -s      [turn on SSL decoding]
   -x      [turn on extra SSL hex dumps]
   -p port [specify rendezvous port (default 1924)]
   -l      [loop - continue to wait for more connections]
`

const STARTTLS = ['imap', 'pop3', 'smtp', 'auto']

export const run: CommandRun = async ({flags, args}) => {
  const err = (t: string): void => void process.stderr.write(t)
  if (flags.version === true) {
    process.stdout.write('ssltap (msgctl) 1.0, NSS 3.87 compatible output\n')
    return 0
  }
  const target = args[0]
  if (target === undefined || args.length > 1) {
    err(USAGE)
    return 2
  }
  const colon = target.lastIndexOf(':')
  if (colon < 0) {
    err(`You must specify the host AND port you wish to connect to\n${USAGE}`)
    return 3
  }
  const host = target.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
  const port = Number(target.slice(colon + 1))
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    err('Port must be a nonzero number.\n')
    return 4
  }
  const listenPort = flags.port === undefined ? 1924 : Number(flags.port)
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
    err(`Port must be a nonzero number.\n`)
    return 4
  }
  const starttls = typeof flags.starttls === 'string' ? flags.starttls : null
  if (starttls !== null && !STARTTLS.includes(starttls)) {
    err(`ssltap: --starttls takes imap, pop3, smtp or auto, not "${starttls}"\n`)
    return 2
  }
  const b = (k: string): boolean => flags[k] === true
  const render = {hex: b('hex'), ssl: b('ssl'), extraHex: b('extra'), html: b('fancy'), full: b('full')}
  if (render.html && !render.hex && !render.ssl) err('Note: use of -f without -s or -h not recommended, \nas the output looks a little strange. It may be useful, however\n')
  err(`Looking up "${host}"...\n`)
  try {
    await lookup(host)
  } catch {
    err(`Unable to look up "${host}"\n`)
    return 5
  }
  const out = new TapOutput(process.stdout, process.cwd())
  if (render.html) out.write(HTML_HEAD)
  return listen(listenPort, {host, port, render, json: b('json'), starttls: starttls as StartTlsProtocol | null, loop: b('loop')}, out, err)
}
