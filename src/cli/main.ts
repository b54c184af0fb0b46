import {parseNssArgv} from '../core/argv/index.js'
import {MsgctlError} from '../core/errors.js'
import {flagSpecs, loadManifest, PACKAGE_ROOT} from './manifest.js'
import type {CommandRun} from './run/types.js'

/** The six tools; each has a shim in bin/ and is also `msgctl <tool>`. */
export const TOOLS = ['configutil', 'certutil', 'modutil', 'pk12util', 'cmsutil', 'ssltap'] as const

/**
 * Entry point of every executable. Commands are declared (flags, help,
 * examples) as oclif commands; this dispatcher parses NSS-style argv against
 * those declarations, read from the build's manifest, and runs the command
 * without loading oclif, which only renders help and topic listings. That
 * keeps a `configutil -o NAME` call close to bare `node` start-up.
 */
export async function main(tool: string | undefined, argv: string[]): Promise<void> {
  const label = tool ?? (argv[0] && (TOOLS as readonly string[]).includes(argv[0]) ? argv[0] : 'msgctl')
  try {
    process.exitCode = await dispatch(tool, argv)
  } catch (err) {
    if (err instanceof MsgctlError) {
      process.stderr.write(`${label}: ${err.message}\n`)
      process.exitCode = err.exitCode
      return
    }
    const e = err as Error
    process.stderr.write(`${label}: internal error: ${e?.message ?? String(err)} (set MSGCTL_DEBUG=1 for details)\n`)
    if (process.env.MSGCTL_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`)
    process.exitCode = 70
  }
}

async function dispatch(tool: string | undefined, argv: string[]): Promise<number> {
  const manifest = loadManifest()
  let id = tool
  let rest = argv
  if (id === undefined) {
    // msgctl <tool> ... | msgctl user add ...: the longest run of words naming a command.
    for (let n = Math.min(argv.length, 3); n > 0 && id === undefined; n--) {
      const words = argv.slice(0, n)
      if (words.some((w) => w.startsWith('-'))) continue
      const candidate = words.join(':')
      if (manifest.commands[candidate] || (n === 1 && (TOOLS as readonly string[]).includes(candidate))) {
        id = candidate
        rest = argv.slice(n)
      }
    }
    if (id === undefined) return oclif(argv)
  }
  const cmd = manifest.commands[id]
  if (!cmd) {
    process.stderr.write(`${id}: not built yet in this version of msgctl (${manifest.version}); see the README for what is available\n`)
    return 2
  }
  const syntax = cmd.nss ?? {style: 'letters', usageExit: 2}
  if (rest.includes('--help')) return oclif([...id.split(':'), '--help'])
  const parsed = parseNssArgv(id, rest, flagSpecs(cmd), syntax)
  if (parsed.flags.help === true) return oclif([...id.split(':'), '--help'])
  const mod = (await import(`./run/${id.replace(/:/g, '-')}.js`)) as {run: CommandRun}
  return mod.run(parsed, {tool: id})
}

/** Help and topic listings: hand over to oclif (loaded only here). */
async function oclif(argv: string[]): Promise<number> {
  const {run, flush, handle} = await import('@oclif/core')
  try {
    await run(argv, PACKAGE_ROOT.href)
    await flush()
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    await handle(err as Error)
    return typeof process.exitCode === 'number' ? process.exitCode : 2
  }
}
