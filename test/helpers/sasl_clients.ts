/**
 * The client side of the challenge-response mechanisms, written from the
 * RFCs for session tests (the server side is src/core/auth/sasl).
 */
import {createHash, createHmac, pbkdf2Sync, randomBytes} from 'node:crypto'

const md5 = (...parts: (Buffer | string)[]): Buffer => {
  const h = createHash('md5')
  for (const p of parts) h.update(p)
  return h.digest()
}

/** RFC 2195: `user SP hex(HMAC-MD5(password, challenge))`. */
export function cramMd5Response(user: string, password: string, challenge: Buffer): Buffer {
  return Buffer.from(`${user} ${createHmac('md5', password).update(challenge).digest('hex')}`)
}

/** RFC 2831 §2.1.2 with qop=auth: the response to the server's first challenge, and the rspauth to expect back. */
export function digestMd5Response(user: string, password: string, challenge: Buffer, service: string): {response: Buffer; rspauth: string} {
  const directives = new Map<string, string>()
  for (const m of challenge.toString('latin1').matchAll(/([a-z-]+)=(?:"([^"]*)"|([^,]*))/g)) directives.set(m[1]!, m[2] ?? m[3] ?? '')
  const realm = directives.get('realm') ?? ''
  const nonce = directives.get('nonce') ?? ''
  const cnonce = randomBytes(12).toString('base64')
  const uri = `${service}/${realm}`
  const nc = '00000001'
  const ha1 = md5(md5(`${user}:${realm}:${password}`), `:${nonce}:${cnonce}`).toString('hex')
  const kd = (a2: string): string => md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(a2).toString('hex')}`).toString('hex')
  const response = `charset=utf-8,username="${user}",realm="${realm}",nonce="${nonce}",nc=${nc},cnonce="${cnonce}",digest-uri="${uri}",response=${kd(`AUTHENTICATE:${uri}`)},qop=auth`
  return {response: Buffer.from(response), rspauth: `rspauth=${kd(`:${uri}`)}`}
}

/** RFC 5802 / RFC 7677 without channel binding (GS2 header `n,,`). */
export class ScramClient {
  readonly #hash: 'sha1' | 'sha256'
  readonly #password: string
  readonly #bare: string
  #serverSignature = ''

  constructor(hash: 'sha1' | 'sha256', user: string, password: string, readonly nonce = randomBytes(18).toString('base64')) {
    this.#hash = hash
    this.#password = password
    this.#bare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`
  }

  clientFirst(): Buffer {
    return Buffer.from(`n,,${this.#bare}`)
  }

  /** The client-final message for the server-first one, with the proof. */
  clientFinal(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString()
    const field = (k: string): string => text.split(',').find((f) => f.startsWith(`${k}=`))?.slice(2) ?? ''
    const salted = pbkdf2Sync(this.#password, Buffer.from(field('s'), 'base64'), Number(field('i')), this.#hash === 'sha1' ? 20 : 32, this.#hash)
    const hmac = (key: Buffer, data: string): Buffer => createHmac(this.#hash, key).update(data).digest()
    const clientKey = hmac(salted, 'Client Key')
    const storedKey = createHash(this.#hash).update(clientKey).digest()
    const withoutProof = `c=biws,r=${field('r')}`
    const authMessage = `${this.#bare},${text},${withoutProof}`
    const signature = hmac(storedKey, authMessage)
    this.#serverSignature = `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`
    return Buffer.from(`${withoutProof},p=${Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString('base64')}`)
  }

  /** The server-final message a server that knows the password sends. */
  expectedServerFinal(): string {
    return this.#serverSignature
  }
}
