/**
 * The daemon's role, fixed when it starts: a mail server (the back end,
 * which keeps mailboxes and queues), or a front-end proxy (the seed's
 * multiplexor) that terminates TLS and authentication and hands the traffic
 * to back ends. local.proxy.role chooses; `msgctl start --role` overrides it
 * for one run.
 */
export type DaemonRole = 'server' | 'proxy'

/** `backend` is accepted as another name for `server`. */
export function parseRole(text: string): DaemonRole | null {
  const value = text.trim().toLowerCase()
  if (value === 'proxy') return 'proxy'
  if (value === 'server' || value === 'backend') return 'server'
  return null
}

/** The override when given, else the stored parameter. */
export function roleOf(override: string | undefined, get: (name: string) => string): DaemonRole {
  if (override !== undefined) {
    const role = parseRole(override)
    if (role === null) throw new Error(`unknown role "${override}": use proxy or server (backend)`)
    return role
  }
  return parseRole(get('local.proxy.role')) ?? 'server'
}
