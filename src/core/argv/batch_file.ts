/** One command line of a certutil -B batch file. */
export interface BatchLine {
  /** 1-based number of the line the command starts on. */
  readonly line: number
  readonly text: string
  readonly words: readonly string[]
}

export class BatchSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

/**
 * Split a batch file the way NSS certutil -B reads it: one command per line,
 * a trailing backslash joins the next line, double quotes group words (no
 * escapes, no nesting). Blank lines and `#` comments are skipped (ours: NSS
 * would try to run them).
 */
export function parseBatchFile(content: string): BatchLine[] {
  const physical = content.replace(/\r\n?/g, '\n').split('\n')
  const out: BatchLine[] = []
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1
    let text = physical[i]!
    while (text.endsWith('\\') && i + 1 < physical.length) text = text.slice(0, -1) + ' ' + physical[++i]!
    if (text.endsWith('\\')) text = text.slice(0, -1)
    const trimmed = text.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    out.push({line: start, text: trimmed, words: splitWords(trimmed, start)})
  }
  return out
}

function splitWords(text: string, line: number): string[] {
  const words: string[] = []
  let current = ''
  let inWord = false
  let quoted = false
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted
      inWord = true
    } else if (!quoted && (ch === ' ' || ch === '\t')) {
      if (inWord) words.push(current)
      current = ''
      inWord = false
    } else {
      current += ch
      inWord = true
    }
  }
  if (quoted) throw new BatchSyntaxError(`Missing closing quote in batch command on line ${line}: ${text}`, line)
  if (inWord) words.push(current)
  return words
}
