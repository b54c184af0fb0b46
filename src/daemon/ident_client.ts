import {connect} from 'node:net'

/** tcpd waits 10 s; a mail client should not wait that long before its greeting. */
const IDENT_TIMEOUT_MS = 3_000

/**
 * Ask the client's ident server (RFC 1413) who owns the connection. Used only
 * when a filter has a `user@host` pattern; any failure gives `unknown`, as
 * tcp_wrappers does. `port` is configurable for tests (113 needs root).
 */
export function identUser(client: {address: string; port: number}, server: {port: number}, identPort = 113): Promise<string> {
  return new Promise((resolve) => {
    let answered = false
    let data = ''
    const done = (user: string) => {
      if (answered) return
      answered = true
      socket.destroy()
      resolve(user)
    }
    const socket = connect({host: client.address, port: identPort})
    socket.setTimeout(IDENT_TIMEOUT_MS, () => done('unknown'))
    socket.on('connect', () => socket.write(`${client.port} , ${server.port}\r\n`))
    socket.on('data', (d) => {
      data += d.toString('latin1')
      if (data.length > 1000) return done('unknown')
      const line = data.split(/\r?\n/)[0]
      if (line === undefined || !data.includes('\n')) return
      // "<ports> : USERID : <os> : <user>"
      const m = /^\s*\d+\s*,\s*\d+\s*:\s*USERID\s*:[^:]*:(.*)$/i.exec(line)
      done(m && m[1]!.trim() ? m[1]!.trim().slice(0, 255) : 'unknown')
    })
    socket.on('error', () => done('unknown'))
    socket.on('close', () => done('unknown'))
  })
}
