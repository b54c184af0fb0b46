import {
  addCertificate, findCertificates, listCertificates, loadPrivateKey, validateCertificate, type StoredCertificate, type ValidationError,
} from '../../core/certdb/index.js'
import {identifies, NSS_ERRORS, type CertIdentifier, type DecodeHost, type NssErrorName} from '../../core/cms/index.js'
import {dnAttribute, dnEmail, NO_TRUST, type Certificate} from '../../core/pki/index.js'
import type {Store} from '../../core/store/index.js'
import type {TokenLogin} from './login.js'

const ERROR_BY_TEXT = new Map<string, NssErrorName>(Object.entries(NSS_ERRORS).map(([k, v]) => [v, k as NssErrorName]))

/** Rolls a temporary import back (NSS imports message certificates only for the decode). */
class Rollback extends Error {}

/**
 * The store seen by the CMS decoder: certificates are looked up there (and
 * among the message's), chains are validated as certutil -V does with the
 * message's certificates imported for the duration (kept with -k), and
 * private keys are unsealed after a login.
 */
export class StoreHost implements DecodeHost {
  #stored: StoredCertificate[] | undefined

  constructor(
    private readonly store: Store,
    private readonly login: TokenLogin,
    private readonly usageLetter: string,
    private readonly keep: boolean,
  ) {}

  get stored(): StoredCertificate[] {
    return (this.#stored ??= listCertificates(this.store))
  }

  #storedEntry(cert: Certificate): StoredCertificate | undefined {
    return this.stored.find((s) => s.certificate.der.equals(cert.der))
  }

  findCertificate(id: CertIdentifier, messageCertificates: readonly Certificate[]): Certificate | null {
    return messageCertificates.find((c) => identifies(id, c)) ?? this.stored.find((s) => identifies(id, s.certificate))?.certificate ?? null
  }

  verifyCertificate(cert: Certificate, messageCertificates: readonly Certificate[]): {error: NssErrorName; detail: string} | null {
    const errors = this.validate(cert, messageCertificates)
    if (errors.length === 0) return null
    const first = errors.find((e) => !e.walkedPast) ?? errors[0]!
    return {error: ERROR_BY_TEXT.get(first.message) ?? 'SEC_ERROR_UNTRUSTED_ISSUER', detail: `${first.name}: ${first.message}`}
  }

  /** certutil -V's verdict for `cert`, with the message's certificates temporarily in the store. */
  validate(cert: Certificate, messageCertificates: readonly Certificate[]): ValidationError[] {
    const missing = messageCertificates.filter((c) => !this.#storedEntry(c))
    const run = () => validateCertificate(this.store, this.#storedEntry(cert) ?? this.#findAfterImport(cert), this.usageLetter)
    if (missing.length === 0) return run()
    let result: ValidationError[] = []
    try {
      this.store.write(() => {
        for (const c of missing) importQuietly(this.store, c)
        result = run()
        if (!this.keep) throw new Rollback()
      })
      this.#stored = undefined
    } catch (e) {
      if (!(e instanceof Rollback)) throw e
    }
    return result
  }

  #findAfterImport(cert: Certificate): StoredCertificate {
    const inStore = listCertificates(this.store).find((s) => s.certificate.der.equals(cert.der))
    return inStore ?? {id: -1, nickname: '', certificate: cert, trust: NO_TRUST, hasPrivateKey: false}
  }

  async recipientKey(id: CertIdentifier) {
    const entry = this.stored.find((s) => s.hasPrivateKey && identifies(id, s.certificate))
    if (!entry) return null
    const tokenKey = await this.login.key()
    return {privateKey: loadPrivateKey(this.store, tokenKey, entry.certificate.keyId), certificate: entry.certificate}
  }
}

/** A message certificate into the store under its CN (or address), skipping one that cannot be added. */
function importQuietly(store: Store, cert: Certificate): void {
  const base = dnAttribute(cert.subject, 'CN') ?? dnEmail(cert.subject) ?? cert.subject.text
  for (const nickname of [base, `${base} #${cert.serialNumber}`]) {
    try {
      addCertificate(store, nickname, cert)
      return
    } catch {
      // nickname taken by another subject, or already present: try the next name or give up
    }
  }
}

/** Certificates by nickname or e-mail, the newest first (the one NSS picks). */
export function certificatesFor(store: Store, id: string): StoredCertificate[] {
  return findCertificates(store, id).sort((a, b) => b.certificate.notBefore.getTime() - a.certificate.notBefore.getTime())
}
