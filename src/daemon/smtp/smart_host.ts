/** A smart host from service.smtp.smarthost: `host`, `host:port`, `[v6]` or `[v6]:port`; port 25 by default. */
export interface SmartHost {
  readonly host: string
  readonly port: number
}

export function parseSmartHost(text: string): SmartHost | null {
  const value = text.trim()
  const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(value) ?? /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value)
  if (!m) return null
  const port = m[2] === undefined ? 25 : Number(m[2])
  if (port < 1 || port > 65535) return null
  return {host: m[1]!, port}
}
