/**
 * A command line split into its verb and the rest. Command lines are
 * ASCII; control characters (NUL included) other than TAB are refused so
 * they never reach a parser or a log line.
 */
export type CommandLine = {readonly ok: true; readonly verb: string; readonly args: string} | {readonly ok: false; readonly reason: string}

export function splitCommandLine(bytes: Buffer): CommandLine {
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) return {ok: false, reason: 'control characters in command'}
  }
  const text = bytes.toString('utf8')
  const space = text.search(/[ \t]/)
  const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase()
  if (!/^[A-Z][A-Z0-9-]{0,15}$/.test(verb)) return {ok: false, reason: 'no command verb'}
  return {ok: true, verb, args: space < 0 ? '' : text.slice(space + 1)}
}
