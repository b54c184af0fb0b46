import {createHmac, randomBytes} from 'node:crypto'
import {challenge, fail, succeed, type SaslContext, type SaslMechanism, type SaslStep, type ScramCredentials, type ScramHash} from './mechanism.js'
import {safeEqual} from './safe_equal.js'
import {saslprep} from './saslprep.js'
import {deriveScramCredentials, digest, hmac, MIN_SCRAM_ITERATIONS, scramDigestBytes} from './scram_credentials.js'
import {parseClientFinal, parseClientFirst, type ClientFirst} from './scram_messages.js'
import {decodeUtf8} from './utf8.js'

export interface ScramOptions {
  /** Fixed server nonce part, for tests with the RFC vectors; normally 18 random bytes. */
  serverNonce?: string
}

export const scramMechanismName = (hash: ScramHash): string => (hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256')

/** Per-process key for stand-in salts, so probing an unknown user twice shows the same salt. */
const decoySecret = randomBytes(32)

/**
 * SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) without channel
 * binding: `n` and `y` GS2 flags are accepted, `p=` refused (we offer no
 * -PLUS variant). The server-final message `v=...` is the success data.
 */
export function createScram(hash: ScramHash, context: SaslContext, options: ScramOptions = {}): SaslMechanism {
  const serverNonce = options.serverNonce ?? randomBytes(18).toString('base64')
  let first: ClientFirst | null = null
  let serverFirst = ''
  let keys: ScramCredentials | null = null
  let user: string | null = null

  const lookupKeys = async (name: string): Promise<ScramCredentials | null | 'unavailable'> => {
    const {scramCredentials, cleartextPassword} = context.credentials
    if (!scramCredentials && !cleartextPassword) return 'unavailable'
    const stored = (await scramCredentials?.(name, hash)) ?? null
    if (stored) return stored
    const password = (await cleartextPassword?.(name)) ?? null
    return password == null ? null : deriveScramCredentials(password, hash)
  }

  const onClientFirst = async (message: Buffer): Promise<SaslStep> => {
    const text = decodeUtf8(message)
    if (text == null) return fail('malformed', 'SCRAM messages must be UTF-8')
    const parsed = parseClientFirst(text)
    if (typeof parsed === 'string') return fail('malformed', `SCRAM: ${parsed}`)
    const name = saslprep(parsed.username)
    if (name == null || name === '') return fail('malformed', 'SCRAM: the user name contains prohibited characters')
    const found = await lookupKeys(name)
    if (found === 'unavailable') return fail('unavailable', `${scramMechanismName(hash)} needs SCRAM keys or plain passwords in the directory`)
    if (found && found.iterations < MIN_SCRAM_ITERATIONS) return fail('unavailable', 'the stored SCRAM keys use too few iterations')
    first = parsed
    user = found ? (context.credentials.lookup(name) ?? name) : null
    // An unknown user gets a plausible stand-in salt and fails only at the proof (RFC 5802 §5.1), hiding who exists.
    keys = found ?? {
      salt: createHmac('sha256', decoySecret).update(name).digest().subarray(0, 16),
      iterations: MIN_SCRAM_ITERATIONS,
      storedKey: randomBytes(scramDigestBytes(hash)),
      serverKey: randomBytes(scramDigestBytes(hash)),
    }
    serverFirst = `r=${parsed.nonce}${serverNonce},s=${keys.salt.toString('base64')},i=${keys.iterations}`
    return challenge(serverFirst)
  }

  const onClientFinal = async (message: Buffer): Promise<SaslStep> => {
    const text = decodeUtf8(message)
    const final = text == null ? null : parseClientFinal(text)
    if (!final || !first || !keys) return fail('malformed', 'SCRAM: malformed client-final message')
    if (final.channelBinding !== Buffer.from(first.gs2Header, 'utf8').toString('base64')) return fail('malformed', 'SCRAM: channel binding data does not repeat the GS2 header')
    if (final.nonce !== first.nonce + serverNonce) return fail('malformed', 'SCRAM: nonce does not match this exchange')
    const proof = Buffer.from(final.proof, 'base64')
    if (proof.length !== scramDigestBytes(hash)) return fail('malformed', 'SCRAM: proof has the wrong length')
    const authMessage = `${first.bare},${serverFirst},${final.withoutProof}`
    const clientSignature = hmac(hash, keys.storedKey, authMessage)
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!))
    if (user == null || !safeEqual(digest(hash, clientKey), keys.storedKey)) return fail('bad-credentials', 'invalid user name or password')
    if (first.authzid != null && first.authzid !== first.username && first.authzid !== user) {
      return fail('not-authorized', 'not authorized to act as the requested authorization identity')
    }
    return succeed(user, Buffer.from(`v=${hmac(hash, keys.serverKey, authMessage).toString('base64')}`, 'utf8'))
  }

  return {
    name: scramMechanismName(hash),
    // Client-first: without an initial response, an empty challenge asks for client-first.
    start: async (initialResponse) => (initialResponse == null ? challenge(Buffer.alloc(0)) : onClientFirst(initialResponse)),
    next: (response) => (first == null ? onClientFirst(response) : onClientFinal(response)),
  }
}
