/**
 * pk12util -i: put a decoded PFX into the store, all of it or nothing (one
 * transaction). Behaviour observed with NSS 3.87:
 *
 * - every X.509 certificate bag is stored, the issuers too, with no trust
 *   (`,,`; `u` shows by itself where the key is present);
 * - a certificate already in the store keeps its nickname and is not
 *   added again; a key already there is not added again;
 * - the nickname is the bag's friendlyName; without one it is derived from
 *   the subject (nickname.ts), and NSS says so for the certificate that has
 *   a key; when another subject holds the name, a derived name is used and
 *   reported, never an overwrite;
 * - a key is labelled with its certificate's nickname; it is paired with
 *   its certificate by localKeyID (else by public key), and a key stored
 *   for a certificate already present links to it by key id.
 */
import type {KeyObject} from 'node:crypto'
import {addCertificate, addPrivateKey, hasPrivateKey, listCertificates} from '../certdb/index.js'
import {Certificate, importPkcs8, keyIdOf, keyMatches, NO_TRUST, type TokenKey, type TrustFlags} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {Pkcs12Error} from './errors.js'
import {derivedNickname} from './nickname.js'
import {P12_OID} from './oids.js'
import type {CertBag, DecodedPfx, KeyBag, ShroudedKeyBag} from './pfx_decode.js'

export interface ImportOptions {
  /** Trust for imported CA certificates (default none, as NSS). */
  readonly caTrust?: TrustFlags
}

/** Why a certificate did not keep the name its bag gave (or had none). */
export type NicknameSource = 'friendlyName' | 'existing' | 'derived-missing' | 'derived-clash'

export interface ImportedCertificate {
  readonly nickname: string
  readonly subject: string
  readonly source: NicknameSource
  /** The name the bag asked for, when it clashed. */
  readonly requested: string | null
  /** Subject of the certificate that holds the requested name, when it clashed. */
  readonly clashSubject: string | null
  readonly added: boolean
  readonly hasKey: boolean
  readonly isCa: boolean
}

export interface ImportedKey {
  readonly label: string | null
  readonly keyId: Buffer
  readonly added: boolean
}

export interface ImportResult {
  readonly certificates: readonly ImportedCertificate[]
  readonly keys: readonly ImportedKey[]
}

type AnyKeyBag = KeyBag | ShroudedKeyBag

interface LoadedKey {
  readonly bag: AnyKeyBag
  readonly key: KeyObject
  readonly index: number
}

interface LoadedCert {
  readonly bag: CertBag
  readonly cert: Certificate
  key: LoadedKey | null
}

function loadKeys(pfx: DecodedPfx): LoadedKey[] {
  return pfx.bags
    .filter((b): b is AnyKeyBag => b.type === 'key' || b.type === 'shroudedKey')
    .map((bag, index) => {
      try {
        return {bag, key: importPkcs8(bag.privateKeyInfo), index}
      } catch (err) {
        throw new Pkcs12Error('format', `private key ${index + 1} cannot be used: ${(err as Error).message}`)
      }
    })
}

function loadCerts(pfx: DecodedPfx): LoadedCert[] {
  return pfx.bags
    .filter((b): b is CertBag => b.type === 'certificate' && b.certType === P12_OID.x509Certificate)
    .map((bag, index) => {
      try {
        return {bag, cert: Certificate.fromDer(bag.value), key: null}
      } catch (err) {
        throw new Pkcs12Error('format', `certificate ${index + 1} cannot be read: ${(err as Error).message}`)
      }
    })
}

/** Pair each key with its certificate: the same localKeyID, else the same public key. */
function pair(keys: readonly LoadedKey[], certs: LoadedCert[]): void {
  for (const k of keys) {
    const id = k.bag.localKeyId
    const byId = id === null ? undefined : certs.find((c) => c.key === null && c.bag.localKeyId !== null && c.bag.localKeyId.equals(id))
    const match = byId ?? certs.find((c) => c.key === null && keyMatches(k.key, c.cert.subjectPublicKeyInfo.der))
    if (!match) continue
    if (!keyMatches(k.key, match.cert.subjectPublicKeyInfo.der)) {
      throw new Pkcs12Error('format', `private key ${k.index + 1} does not belong to the certificate "${match.cert.subject.text}" it is paired with`)
    }
    match.key = k
  }
}

/**
 * Import `pfx`. `tokenKey` is called (inside the transaction) only when a
 * key is to be stored.
 */
export function importPfx(store: Store, pfx: DecodedPfx, tokenKey: () => TokenKey, options: ImportOptions = {}): ImportResult {
  const keys = loadKeys(pfx)
  const certs = loadCerts(pfx)
  pair(keys, certs)
  return store.write(() => {
    const existing = listCertificates(store)
    // nickname -> subjects holding it, kept current as this import adds certificates
    const holders = new Map<string, Set<string>>()
    const hold = (nickname: string, subject: string): void => {
      const set = holders.get(nickname) ?? new Set<string>()
      set.add(subject)
      holders.set(nickname, set)
    }
    for (const c of existing) hold(c.nickname, c.certificate.subject.text)
    const takenByOthers = (subject: string) => (nickname: string): boolean => [...(holders.get(nickname) ?? [])].some((s) => s !== subject)

    const imported: ImportedCertificate[] = []
    const labels = new Map<LoadedKey, string>()
    for (const c of certs) {
      const subject = c.cert.subject.text
      const isCa = c.key === null && c.cert.basicConstraints?.ca === true
      const present = existing.find((e) => e.certificate.fingerprintSha256.equals(c.cert.fingerprintSha256))
      const base = {subject, hasKey: c.key !== null, isCa}
      if (present) {
        imported.push({...base, nickname: present.nickname, source: 'existing', requested: null, clashSubject: null, added: false})
        if (c.key) labels.set(c.key, present.nickname)
        continue
      }
      const requested = c.bag.friendlyName ?? c.key?.bag.friendlyName ?? null
      const taken = takenByOthers(subject)
      let nickname: string
      let source: NicknameSource
      let clashSubject: string | null = null
      if (requested === null || requested.trim() === '') {
        nickname = derivedNickname(c.cert.subject, taken)
        source = 'derived-missing'
      } else if (taken(requested)) {
        clashSubject = [...(holders.get(requested) ?? [])].find((s) => s !== subject) ?? null
        nickname = derivedNickname(c.cert.subject, taken)
        source = 'derived-clash'
      } else {
        nickname = requested
        source = 'friendlyName'
      }
      addCertificate(store, nickname, c.cert, isCa && options.caTrust ? options.caTrust : NO_TRUST)
      hold(nickname, subject)
      existing.push({id: -1, nickname, certificate: c.cert, trust: NO_TRUST, hasPrivateKey: false})
      imported.push({...base, nickname, source, requested: source === 'derived-missing' ? null : requested, clashSubject, added: true})
      if (c.key) labels.set(c.key, nickname)
    }

    const importedKeys: ImportedKey[] = []
    let unlocked: TokenKey | undefined
    for (const k of keys) {
      const keyId = keyIdOf(k.key)
      const label = labels.get(k) ?? k.bag.friendlyName
      if (hasPrivateKey(store, keyId)) {
        importedKeys.push({label, keyId, added: false})
        continue
      }
      unlocked ??= tokenKey()
      addPrivateKey(store, unlocked, k.key, label)
      importedKeys.push({label, keyId, added: true})
    }
    return {certificates: imported, keys: importedKeys}
  })
}
