/**
 * The nickname NSS gives a certificate that arrives without a usable one
 * (no friendlyName, or a name another subject already holds). Observed with
 * NSS 3.87 pk12util -i: "<CN> - <O>", where CN is the last common name in
 * the DER and O the first organisation; the first OU stands in for a
 * missing CN; a lone CN, OU or O is used by itself; a name with none of
 * them is "Unknown CA". When another subject holds that nickname, " #2",
 * " #3" ... is appended.
 */
import type {DistinguishedName} from '../pki/index.js'

const CN = '2.5.4.3'
const O = '2.5.4.10'
const OU = '2.5.4.11'

/** Values of an attribute in DER order (rdns are most specific first, the reverse). */
function valuesInDerOrder(dn: DistinguishedName, oid: string): string[] {
  const out: string[] = []
  for (const rdn of [...dn.rdns].reverse()) for (const ava of rdn) if (ava.oid === oid && ava.value !== null) out.push(ava.value)
  return out
}

export function baseNickname(subject: DistinguishedName): string {
  const first = valuesInDerOrder(subject, CN).at(-1) ?? valuesInDerOrder(subject, OU)[0] ?? null
  const org = valuesInDerOrder(subject, O)[0] ?? null
  if (first !== null && org !== null) return `${first} - ${org}`
  return first ?? org ?? 'Unknown CA'
}

/** `baseNickname`, numbered past the names `takenByOthers` reports as held by another subject. */
export function derivedNickname(subject: DistinguishedName, takenByOthers: (nickname: string) => boolean): string {
  const base = baseNickname(subject)
  if (!takenByOthers(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base} #${n}`
    if (!takenByOthers(candidate)) return candidate
  }
}
