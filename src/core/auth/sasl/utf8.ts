/** Strict UTF-8 decoding of client bytes: invalid sequences are a refusal, not U+FFFD. */
const decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

export function decodeUtf8(bytes: Buffer): string | null {
  try {
    return decoder.decode(bytes)
  } catch {
    return null
  }
}
