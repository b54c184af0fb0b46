/**
 * RC4, for reading (and, on request, writing) the PKCS #12 "SHA-1 and RC4"
 * schemes: like RC2 it is outside OpenSSL 3's default provider. Small
 * enough to do here; it only ever runs over a few kilobytes.
 */
export function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256)
  for (let i = 0; i < 256; i++) s[i] = i
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff
    const t = s[i] as number
    s[i] = s[j] as number
    s[j] = t
  }
  const out = Buffer.alloc(data.length)
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff
    j = (j + (s[i] as number)) & 0xff
    const t = s[i] as number
    s[i] = s[j] as number
    s[j] = t
    out[n] = (data[n] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 0xff] as number)
  }
  return out
}
