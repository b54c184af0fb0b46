/**
 * modutil's confirmation before changing the database (reference §2.2):
 * one line from stdin; "q" aborts, anything else (or end of input) goes on.
 */
import {readSync} from 'node:fs'

const WARNING =
  '\nWARNING: Performing this operation while the browser is running could cause\n' +
  'corruption of your security databases. If the browser is currently running,\n' +
  'you should exit browser before continuing this operation. Type \n' +
  "'q <enter>' to abort, or <enter> to continue: "

/** True to go on; null when stdin cannot be read (modutil exits 43). */
export function confirmChange(): boolean | null {
  process.stdout.write(WARNING)
  let line = ''
  const buf = Buffer.alloc(1)
  try {
    for (;;) {
      let n: number
      try {
        n = readSync(0, buf, 0, 1, null)
      } catch (err) {
        // A non-blocking stdin that has nothing yet: wait and retry.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue
        throw err
      }
      if (n === 0 || buf[0] === 0x0a) break
      line += String.fromCharCode(buf[0]!)
    }
  } catch (err) {
    // A closed stdin reads as end of input, as NSS treats it.
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EOF' && code !== 'EBADF') return null
  }
  if (line.trim().toLowerCase() === 'q') {
    process.stdout.write('\nAborting...\n')
    return false
  }
  process.stdout.write('\n')
  return true
}
