import {createServer, type Socket} from 'node:net'
import {ctime} from '../../core/ssltap/index.js'
import {TapConnection, type TapSettings} from './connection.js'
import type {TapOutput} from './output.js'

export const HTML_HEAD = '<HTML><HEAD><TITLE>SSLTAP output</TITLE></HEAD>\n<BODY><PRE>\n'

/**
 * The rendezvous port: NSS's listen/accept loop. Without -l it serves one
 * client and resolves with the exit status; with -l it never resolves and
 * serves clients concurrently, labelling output blocks when they interleave.
 */
export function listen(listenPort: number, s: TapSettings, out: TapOutput, log: (t: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer({pauseOnConnect: true})
    let count = 0
    let active = 0
    let last = 0
    const label = (id: number): string => {
      const mark = active > 1 && last !== id && !s.json ? `[Connection #${id}]\n` : ''
      last = id
      return mark
    }
    server.on('error', (err: NodeJS.ErrnoException) => {
      log(`Couldn't bind to port ${listenPort} (error ${err.code ?? err.message})\n`)
      resolve(255)
    })
    server.listen(listenPort, () => log('Proxy socket ready and listening\n'))
    server.on('connection', (sock: Socket) => {
      const id = ++count
      active++
      if (!s.loop) server.close()
      if (s.loop && !s.json) {
        last = id
        out.write(s.render.html ? `<p><HR><H2>Connection #${id} [${ctime(new Date())}]</H2>\n` : `Connection #${id} [${ctime(new Date())}]\n`)
      }
      const c = new TapConnection(id, sock, s, out, log, label)
      c.start()
      void c.done.then(() => {
        active--
        if (!s.loop) out.whenDrained(() => resolve(c.failedToConnect ? 255 : 0))
      })
    })
  })
}
