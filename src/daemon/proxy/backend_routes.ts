/**
 * Which back end serves a user's IMAP or POP (local.proxy.imapbackend,
 * local.proxy.popbackend): a space-separated list of `host[:port]` (the
 * default), `user=host[:port]` and `@domain=host[:port]` entries, so one
 * front end can serve several back ends. The most specific entry wins: the
 * user, then the domain, then the default.
 */
import {parseSmartHost} from '../smtp/smart_host.js'

export interface BackendHost {
  readonly host: string
  readonly port: number
}

export interface BackendRoutes {
  /** The back end for this login name, or null when the list names none for it. */
  route(user: string): BackendHost | null
  readonly empty: boolean
}

/** Parse the list; throws with the offending entry when one is malformed. */
export function parseBackendRoutes(text: string, defaultPort: number, parameter: string): BackendRoutes {
  const users = new Map<string, BackendHost>()
  const domains = new Map<string, BackendHost>()
  let fallback: BackendHost | null = null
  for (const entry of text.split(/\s+/).filter(Boolean)) {
    const eq = entry.lastIndexOf('=')
    const who = eq < 0 ? null : entry.slice(0, eq).toLowerCase()
    const host = hostOf(eq < 0 ? entry : entry.slice(eq + 1), defaultPort)
    if (host === null || who === '' || who === '@') throw new Error(`${parameter}: "${entry}" is not host[:port], user=host[:port] or @domain=host[:port]`)
    if (who === null) {
      if (fallback !== null) throw new Error(`${parameter}: more than one default back end ("${entry}"); name users or @domains for the others`)
      fallback = host
    }
    else if (who.startsWith('@')) domains.set(who.slice(1), host)
    else users.set(who, host)
  }
  return {
    empty: fallback === null && users.size === 0 && domains.size === 0,
    route(user) {
      const login = user.toLowerCase()
      const at = login.lastIndexOf('@')
      return users.get(login) ?? (at >= 0 ? domains.get(login.slice(at + 1)) : undefined) ?? fallback
    },
  }
}

function hostOf(text: string, defaultPort: number): BackendHost | null {
  const parsed = parseSmartHost(text)
  if (parsed === null) return null
  // parseSmartHost defaults to 25; a bare host here means the protocol's port.
  return /:\d+$/.test(text) && !/^\[[^\]]*\]$/.test(text) ? parsed : {host: parsed.host, port: defaultPort}
}
