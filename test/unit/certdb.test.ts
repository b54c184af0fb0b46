import assert from 'node:assert/strict'
import {join} from 'node:path'
import {test} from 'node:test'
import Database from 'better-sqlite3'
import {
  addCertificate, addPrivateKey, changeTokenPassword, CertDbError, deleteCertificates, deletePrivateKey, findCertificates,
  hasPrivateKey, initToken, listCertificates, listPrivateKeys, loadPrivateKey, renameCertificates, requireCertificate, setTrust, unlockToken,
} from '../../src/core/certdb/index.js'
import {
  basicConstraintsExtension, buildCertificate, generateKeyPair, IncorrectPasswordError, keyIdOf, parseDn, parseTrustString,
  subjectAltNameExtension, validityPeriod, type Certificate, type KeyPair,
} from '../../src/core/pki/index.js'
import {locateStore, SCHEMA_VERSION, Store} from '../../src/core/store/index.js'
import {tempDir} from '../helpers/cli.js'

function selfSigned(keys: KeyPair, subject: string, serial: bigint, ca = true): Certificate {
  return buildCertificate(
    {serialNumber: serial, subject: parseDn(subject), ...validityPeriod({months: 12}), publicKey: keys.publicKey, extensions: ca ? [basicConstraintsExtension({ca: true, critical: true})] : []},
    {privateKey: keys.privateKey},
  )
}

test('token password, sealed keys, certificates linked by key id, trust and lookups', async (t) => {
  const store = Store.open(locateStore(tempDir(t)), {create: true})
  t.after(() => store.close())
  const token = initToken(store, 'pw-one')
  assert.throws(() => initToken(store, 'again'), CertDbError)
  assert.throws(() => unlockToken(store, 'wrong'), IncorrectPasswordError)

  const keys = await generateKeyPair({type: 'ec'})
  const ca = selfSigned(keys, 'CN=Test CA,O=Example Corp,C=US', 1n)
  const keyId = addPrivateKey(store, token, keys.privateKey, null)
  assert.deepEqual(keyId, keyIdOf(keys.publicKey))
  assert.equal(listPrivateKeys(store)[0]!.nickname, null, 'a key without label or certificate is an orphan')
  const stored = addCertificate(store, 'Test CA', ca, parseTrustString('CT,C,C'))
  assert.equal(stored.hasPrivateKey, true)
  assert.equal(listPrivateKeys(store)[0]!.nickname, 'Test CA')
  assert.throws(() => addCertificate(store, 'again', ca), /already in the store as "Test CA"/)

  const other = await generateKeyPair({type: 'ec'})
  const leaf = buildCertificate(
    {serialNumber: 1n, subject: parseDn('CN=alice,O=Example Corp,C=US'), ...validityPeriod({months: 3}), publicKey: other.publicKey,
      extensions: [subjectAltNameExtension([{type: 'rfc822Name', value: 'Alice@Example.com'}])]},
    {issuerCertificate: ca, privateKey: keys.privateKey},
  )
  assert.throws(() => addCertificate(store, 'alice', leaf), /serial number 1 from the same issuer/)
  const leaf2 = buildCertificate(
    {serialNumber: 2n, subject: parseDn('CN=alice,O=Example Corp,C=US'), ...validityPeriod({months: 3}), publicKey: other.publicKey,
      extensions: [subjectAltNameExtension([{type: 'rfc822Name', value: 'Alice@Example.com'}])]},
    {issuerCertificate: ca, privateKey: keys.privateKey},
  )
  assert.equal(addCertificate(store, 'alice', leaf2).hasPrivateKey, false)
  assert.throws(() => addCertificate(store, 'Test CA', selfSigned(other, 'CN=Other', 9n)), /already used by a certificate for a different subject/)
  assert.equal(findCertificates(store, 'alice@example.com')[0]!.nickname, 'alice', 'lookup by e-mail')
  assert.deepEqual(listCertificates(store).map((c) => c.nickname), ['Test CA', 'alice'])

  setTrust(store, 'alice', parseTrustString('P,,'))
  assert.equal(requireCertificate(store, 'alice').trust.ssl, parseTrustString('P,,').ssl)
  assert.throws(() => requireCertificate(store, 'nosuch'), /could not find certificate named "nosuch"/)

  // A password change re-seals every key: the old password stops working, the key still loads.
  const token2 = changeTokenPassword(store, token, 'pw-two')
  assert.throws(() => unlockToken(store, 'pw-one'), IncorrectPasswordError)
  const loaded = loadPrivateKey(store, unlockToken(store, 'pw-two'), keyId)
  assert.deepEqual(keyIdOf(loaded), keyId)
  assert.throws(() => loadPrivateKey(store, token, keyId), 'the old token key cannot open the re-sealed key')
  void token2

  renameCertificates(store, 'alice', 'alice2')
  assert.equal(findCertificates(store, 'alice').length, 0)
  assert.equal(deleteCertificates(store, 'alice2'), 1)
  deletePrivateKey(store, keyId)
  assert.equal(hasPrivateKey(store, keyId), false)
  assert.equal(listCertificates(store).length, 0, 'deleting a key deletes its certificates (certutil -F)')
})

test('a refused certificate write leaves the store unchanged and the private key never lies in clear', async (t) => {
  const dir = tempDir(t)
  const store = Store.open(locateStore(dir), {create: true})
  const token = initToken(store, 'secret')
  const keys = await generateKeyPair({type: 'ec'})
  addPrivateKey(store, token, keys.privateKey, 'k')
  const generation = store.generation()
  assert.throws(() => addCertificate(store, ' ', selfSigned(keys, 'CN=x', 5n)))
  assert.equal(store.generation(), generation)
  store.close()
  const raw = new Database(join(dir, 'msg.db'), {readonly: true})
  const row = raw.prepare('SELECT sealed_pkcs8 FROM private_key').get() as {sealed_pkcs8: Buffer}
  const clear = keys.privateKey.export({format: 'der', type: 'pkcs8'})
  assert.equal(row.sealed_pkcs8.includes(clear.subarray(clear.length - 32)), false)
  raw.close()
})

test('a version-1 store (configuration only) migrates to the current schema and keeps its settings', (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'msg.db')
  const db = new Database(file)
  db.pragma('application_id = 1297303363')
  db.exec(`CREATE TABLE store_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
           INSERT INTO store_meta VALUES ('generation', '0');
           CREATE TABLE config (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
           INSERT INTO config VALUES ('service.imap.port', '1143', '2026-01-01');`)
  db.pragma('user_version = 1')
  db.close()
  const store = Store.open(locateStore(dir))
  assert.equal(store.db.pragma('user_version', {simple: true}), SCHEMA_VERSION)
  assert.equal((store.db.prepare(`SELECT value FROM config WHERE name = 'service.imap.port'`).get() as {value: string}).value, '1143')
  assert.equal(listCertificates(store).length, 0)
  store.close()
})
