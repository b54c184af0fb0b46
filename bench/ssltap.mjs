// Moves 200 MiB through ssltap (raw copy, and -s decoding TLS records) and
// directly, in one run, and reports each as a ratio of the direct rate; NSS's
// own ssltap (/usr/bin/ssltap, when installed) runs the same steps as the anchor.
// The stream is what encrypted TLS looks like on the wire: a
// change_cipher_spec record, then 16 KiB application_data records.
// Usage: node bench/ssltap.mjs [MiB]   (build first: npx tsc -p . && node scripts/manifest.mjs)
import {spawn} from 'node:child_process'
import {existsSync, openSync} from 'node:fs'
import {connect, createServer} from 'node:net'
import {fileURLToPath} from 'node:url'

const MIB = Number(process.argv[2] ?? 200)
const TOTAL = MIB * 1024 * 1024
const SSLTAP = fileURLToPath(new URL('../bin/ssltap', import.meta.url))

const record = Buffer.alloc(5 + 16384, 0xa5)
record.set([23, 3, 3, 0x40, 0x00])
const ccs = Buffer.from([20, 3, 3, 0, 1, 1])
const block = Buffer.concat(Array.from({length: 8}, () => record))

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)))

/** A sink that counts bytes and resolves when `total` have arrived. */
async function sink(total) {
  let resolveDone
  const done = new Promise((r) => (resolveDone = r))
  const server = createServer((s) => {
    let n = 0
    s.on('data', (d) => {
      n += d.length
      if (n >= total) resolveDone(process.hrtime.bigint())
    })
    s.on('error', () => {})
  })
  return {port: await listen(server), done, close: () => server.close()}
}

/** Writes `total` bytes (ccs + records) to port, honouring back-pressure. */
function source(port, total) {
  return new Promise((resolve, reject) => {
    const s = connect({port, host: '127.0.0.1'}, () => {
      const start = process.hrtime.bigint()
      let sent = 0
      const pump = () => {
        while (sent < total) {
          const chunk = sent === 0 ? Buffer.concat([ccs, block]).subarray(0, Math.min(total, ccs.length + block.length)) : block.subarray(0, Math.min(block.length, total - sent))
          sent += chunk.length
          if (!s.write(chunk)) return s.once('drain', pump)
        }
        s.end()
        resolve(start)
      }
      pump()
    })
    s.on('error', reject)
  })
}

async function waitReady(child) {
  await new Promise((resolve, reject) => {
    let err = ''
    child.stderr.on('data', (d) => {
      err += d
      if (err.includes('Proxy socket ready')) resolve()
    })
    child.on('exit', (c) => reject(new Error(`ssltap exited ${c}: ${err}`)))
  })
}

/**
 * The ceiling for any relay process on this machine: a Node.js pipe between
 * two sockets, no parsing and no output. ssltap cannot beat it, so its
 * ratio to the direct rate shows what a third process on the path costs here.
 */
const BARE_RELAY = `
const net = require('node:net')
const [port, target] = process.argv.slice(1).map(Number)
net.createServer((c) => { const u = net.connect(target, '127.0.0.1'); c.pipe(u); u.pipe(c); c.on('error', () => {}); u.on('error', () => {}) })
  .listen(port, '127.0.0.1', () => process.stderr.write('Proxy socket ready\\n'))`

async function run(flags, tool = SSLTAP) {
  const s = await sink(TOTAL)
  let port = s.port
  let tap
  if (flags) {
    const probe = createServer()
    port = await listen(probe)
    await new Promise((r) => probe.close(r))
    const argv = tool === BARE_RELAY ? ['-e', BARE_RELAY, String(port), String(s.port)] : [...flags, '-p', String(port), `127.0.0.1:${s.port}`]
    tap = spawn(tool === BARE_RELAY ? process.execPath : tool, argv, {stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe']})
    await waitReady(tap)
  }
  const start = await source(port, TOTAL)
  const end = await s.done
  s.close()
  tap?.kill()
  const secs = Number(end - start) / 1e9
  return TOTAL / secs / 1048576
}

const NSS = '/usr/bin/ssltap'
const haveNss = existsSync(NSS)
const direct = await run(null)
const raw = await run([])
const ssl = await run(['-s'])
const nssRaw = haveNss ? await run([], NSS) : null
const nssSsl = haveNss ? await run(['-s'], NSS) : null
const bare = await run([], BARE_RELAY)
const direct2 = await run(null)
const base = Math.max(direct, direct2)
const vsNss = (ours, nss) => (nss ? `  NSS ${nss.toFixed(0)} MiB/s, ours/NSS ${(ours / nss).toFixed(2)}` : '')
console.log(`ssltap bench: ${MIB} MiB, output to /dev/null`)
console.log(`  direct            ${base.toFixed(0)} MiB/s`)
console.log(`  ssltap (raw)      ${raw.toFixed(0)} MiB/s  ratio ${(raw / base).toFixed(2)}  (target >= 0.8)${vsNss(raw, nssRaw)}`)
console.log(`  ssltap -s         ${ssl.toFixed(0)} MiB/s  ratio ${(ssl / base).toFixed(2)}  (target >= 0.5)${vsNss(ssl, nssSsl)}`)
console.log(`  bare Node relay   ${bare.toFixed(0)} MiB/s  ratio ${(bare / base).toFixed(2)}  (a pipe with no parsing or output: the ceiling of any relay process here)`)
