import {createInterface} from 'node:readline'
import {MsgctlError} from '../core/errors.js'

/**
 * Terminal prompts for the questions NSS tools ask interactively. They are
 * asked only when stdin is a terminal; a script gets a clear error naming the
 * flag that answers the question instead of a process that waits forever.
 */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true
}

function requireTerminal(answerWith: string, exitCode: number): void {
  if (!canPrompt()) throw new MsgctlError(`this needs an answer and stdin is not a terminal; ${answerWith}`, exitCode)
}

/** One line of visible input. Prompts go to stderr so stdout stays data. */
export async function askLine(question: string, answerWith: string, exitCode = 255): Promise<string> {
  requireTerminal(answerWith, exitCode)
  const rl = createInterface({input: process.stdin, output: process.stderr, terminal: true})
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('close', () => reject(new MsgctlError('no answer (end of input)', exitCode)))
      rl.question(question, resolve)
    })
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}

/** A secret: the terminal does not echo it. */
export async function askSecret(question: string, answerWith: string, exitCode = 255): Promise<string> {
  requireTerminal(answerWith, exitCode)
  const stdin = process.stdin
  process.stderr.write(question)
  stdin.setRawMode(true)
  stdin.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = ''
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData)
            process.stderr.write('\n')
            resolve(text)
            return
          }
          if (ch === '\u0003' || ch === '\u0004') {
            stdin.off('data', onData)
            process.stderr.write('\n')
            reject(new MsgctlError('cancelled at the password prompt', exitCode))
            return
          }
          if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
          else text += ch
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}

/** y/N question; anything but y/yes is no. */
export async function askYesNo(question: string, answerWith: string, exitCode = 255): Promise<boolean> {
  return /^y(es)?$/i.test((await askLine(question, answerWith, exitCode)).trim())
}
