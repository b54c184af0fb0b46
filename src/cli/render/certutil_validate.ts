/**
 * `certutil -V` results (reference §1.5.5). Without `-l` the verdict goes
 * to stdout (the failure too); with `-l` each failing certificate of the
 * chain gets a `<name> : <error>` line on stderr and stdout stays empty.
 */

export interface ValidityLogEntry {
  /** Nickname, else the subject. */
  readonly name: string
  /** NSS error text, e.g. `Peer's Certificate has expired.` */
  readonly error: string
}

export type ValidityResult =
  | {readonly valid: true}
  | {readonly valid: false; readonly error: string; readonly log?: readonly ValidityLogEntry[]}

export interface RenderedResult {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

/** `log` present means `-l` was given. */
export function renderValidity(result: ValidityResult): RenderedResult {
  if (result.valid) return {stdout: 'certutil: certificate is valid\n', stderr: '', exitCode: 0}
  if (result.log !== undefined) {
    return {stdout: '', stderr: result.log.map((e) => `${e.name} : ${e.error}\n`).join(''), exitCode: 255}
  }
  return {stdout: `certutil: certificate is invalid: ${result.error}\n`, stderr: '', exitCode: 255}
}

/** Missing certificate (stderr, exit 255); `detail` is the `NAME: text` error part. */
export function renderValidityNotFound(nickname: string, detail: string): string {
  return `certutil: could not find certificate named "${nickname}": ${detail}\n`
}
