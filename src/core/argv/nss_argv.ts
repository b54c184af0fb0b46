import {UsageError} from '../errors.js'
import type {FlagSpec, FlagValue, NssSyntax, ParsedArgv} from './types.js'

/**
 * Parse a command line the way the classic NSS tools do, against flags that
 * the oclif command declares. A value-taking option always consumes the next
 * word, even one that starts with `-` (`configutil -o x -v -1`), because
 * that is what runbooks written for the originals rely on.
 */
export function parseNssArgv(
  tool: string,
  argv: readonly string[],
  flags: readonly FlagSpec[],
  syntax: NssSyntax,
): ParsedArgv {
  const byName = new Map<string, FlagSpec>()
  const byChar = new Map<string, FlagSpec>()
  for (const f of flags) {
    byName.set(f.name, f)
    if (f.char) byChar.set(f.char, f)
  }
  const words = syntax.words ?? {}
  const optional = new Set(syntax.optionalValue ?? [])
  const out: Record<string, FlagValue> = {}
  const args: string[] = []
  const fail = (message: string): never => {
    throw new UsageError(`${message} (see ${tool} --help)`, syntax.usageExit)
  }

  const store = (flag: FlagSpec, spelled: string, value: string | undefined): void => {
    if (!flag.takesValue) {
      if (value !== undefined) fail(`option ${spelled} takes no value`)
      out[flag.name] = true
      return
    }
    const v = value ?? ''
    if (flag.multiple) {
      const prev = out[flag.name]
      out[flag.name] = Array.isArray(prev) ? [...prev, v] : [v]
    } else {
      out[flag.name] = v
    }
  }

  /** Take the value of `flag` from the next word; returns how many words were used. */
  const takeNext = (flag: FlagSpec, spelled: string, i: number): number => {
    if (!flag.takesValue) {
      store(flag, spelled, undefined)
      return 0
    }
    const next = argv[i + 1]
    if (optional.has(flag.name) || flag.optionalValue) {
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        out[flag.name] = out[flag.name] ?? ''
        return 0
      }
    } else if (next === undefined) {
      fail(`option ${spelled} needs a value`)
    }
    store(flag, spelled, next)
    return 1
  }

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    if (word === '--') {
      args.push(...argv.slice(i + 1))
      break
    }
    if (word.startsWith('--') && word.length > 2) {
      const eq = word.indexOf('=')
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq)
      const flag = byName.get(name) ?? byName.get(words[name] ?? '')
      if (!flag) fail(`unknown option --${name}`)
      if (eq >= 0) store(flag!, `--${name}`, word.slice(eq + 1))
      else i += takeNext(flag!, `--${name}`, i)
      continue
    }
    if (word.startsWith('-') && word.length > 1) {
      const body = word.slice(1)
      const named = words[body] ?? (syntax.style === 'words' ? body : undefined)
      const flag = named !== undefined ? byName.get(named) : body.length === 1 ? byChar.get(body) : undefined
      if (flag) {
        i += takeNext(flag, word, i)
        continue
      }
      if (syntax.style === 'getopt' && body.length > 1) {
        i += parseGroup(body, i)
        continue
      }
      fail(`unknown option ${word}`)
    }
    args.push(word)
  }
  return {flags: out, args}

  /** `-sx`, `-p1924`, `-sp 1924`: letters until one takes a value. */
  function parseGroup(body: string, i: number): number {
    for (let j = 0; j < body.length; j++) {
      const c = body[j]!
      const flag = byChar.get(c)
      if (!flag) return fail(`unknown option -${c}${body.length > 1 ? ` in -${body}` : ''}`)
      if (!flag.takesValue) {
        store(flag, `-${c}`, undefined)
        continue
      }
      const rest = body.slice(j + 1)
      if (rest) {
        store(flag, `-${c}`, rest)
        return 0
      }
      return takeNext(flag, `-${c}`, i)
    }
    return 0
  }
}
