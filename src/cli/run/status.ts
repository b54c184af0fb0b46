import {ask, daemonDir} from '../daemon_control.js'
import type {CommandRun} from './types.js'

interface Status {
  pid: number
  dir: string
  uptimeSeconds: number
  listeners: {service: string; port: number; tls: string}[]
  snapshot: {generation: number; loadedAt: string; certificate: {nickname: string; subject: string; notAfter: string} | null; warnings: string[]}
  connections: Record<string, number>
  rssBytes: number
  /** server or proxy. */
  role?: string
  /** A proxy's back-end relays and their health. */
  relays?: {relay: string; state: 'up' | 'avoided'; avoidedUntil: string | null; messages: number; lastError: string | null; lastErrorAt: string | null}[]
}

export const run: CommandRun = async ({flags}) => {
  const s = (await ask(daemonDir(flags), 'status')) as unknown as Status & {ok: boolean}
  if (flags.json) {
    const {ok: _ok, ...rest} = s
    process.stdout.write(JSON.stringify(rest, null, 2) + '\n')
    return 0
  }
  const cert = s.snapshot.certificate
  const out = [
    `pid:         ${s.pid}`,
    `store:       ${s.dir}`,
    `uptime:      ${s.uptimeSeconds} s`,
    `listeners:   ${s.listeners.map((l) => `${l.service} ${l.port} (${l.tls})`).join(', ')}`,
    `snapshot:    ${s.snapshot.generation}, loaded ${s.snapshot.loadedAt}`,
    `certificate: ${cert ? `${cert.nickname} (${cert.subject}), expires ${cert.notAfter}` : 'none (TLS off)'}`,
    `connections: ${Object.entries(s.connections).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `memory:      ${(s.rssBytes / 1048576).toFixed(1)} MiB resident`,
  ]
  if (s.role) out.splice(1, 0, `role:        ${s.role === 'proxy' ? 'proxy (front end)' : 'server'}`)
  for (const r of s.relays ?? []) out.push(`relay:       ${relayLine(r)}`)
  for (const w of s.snapshot.warnings) out.push(`warning:     ${w}`)
  process.stdout.write(out.join('\n') + '\n')
  return 0
}

/** One back-end relay: `host:port up|avoided until <time>, <n> messages, last error <...>`. */
function relayLine(r: NonNullable<Status['relays']>[number]): string {
  const state = r.state === 'avoided' ? `avoided until ${r.avoidedUntil}` : 'up'
  const error = r.lastError === null ? 'none' : `${r.lastError} (${r.lastErrorAt})`
  return `${r.relay} ${state}, ${r.messages} message${r.messages === 1 ? '' : 's'}, last error ${error}`
}
