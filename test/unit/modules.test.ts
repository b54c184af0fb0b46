import {test} from 'node:test'
import assert from 'node:assert/strict'
import {formatModuleSpec, isInternalKeyToken, moduleFromSpec, parseMechanismList, pinsFromPasswordFile, pinsFromSslPasswordConf, firstPin, tokenNameOf, ModuleError} from '../../src/core/modules/index.js'
import {pk11UriValue} from '../../src/cli/modutil/render_list.js'

test('mechanism lists: case-insensitive, NSS order, unknown names refused with exit 1', () => {
  assert.deepEqual(parseMechanismList('aes:RSA'), ['RSA', 'AES'])
  assert.throws(() => parseMechanismList('RSA:BOGUS'), (e: unknown) => e instanceof ModuleError && e.exitCode === 1 && /BOGUS/.test(e.message))
})

test('module spec strings round-trip through -rawlist and -rawadd', () => {
  const rec = {name: 'My HSM', library: '/usr/lib/x "y".so', internal: false, parameters: 'slot=1 x', ciphers: '', defaultMechanisms: 'RSA:AES', trustOrder: 50, cipherOrder: 0}
  const spec = formatModuleSpec(rec, '/srv')
  const back = moduleFromSpec(spec)
  assert.equal(back.name, 'My HSM')
  assert.equal(back.library, '/usr/lib/x "y".so')
  assert.equal(back.parameters, 'slot=1 x')
  assert.equal(back.trustOrder, 50)
  assert.throws(() => moduleFromSpec('name="x"'), /library=/)
})

test('token names: internal aliases and pkcs11: URIs', () => {
  assert.ok(isInternalKeyToken('Internal (Software) Token'))
  assert.ok(isInternalKeyToken('NSS Certificate DB'))
  assert.ok(!isInternalKeyToken('SoftHSM'))
  assert.equal(tokenNameOf('pkcs11:token=My%20Token;serial=1'), 'My Token')
})

test('PIN sources: password file, sslpassword.conf, first that answers', () => {
  const file = pinsFromPasswordFile(Buffer.from('Other:1\nT1:secret\n'))
  assert.equal(file.pinFor('T1'), 'secret')
  const conf = pinsFromSslPasswordConf('# c\nInternal (Software) Token:pw:with:colons\nHSM:9999\n')
  assert.equal(conf.pinFor('NSS Certificate DB'), 'pw:with:colons')
  assert.equal(conf.pinFor('HSM'), '9999')
  assert.equal(conf.pinFor('nope'), null)
  assert.equal(firstPin(conf, file).pinFor('T1'), 'secret')
})

test('pkcs11 URI values are percent-encoded the way NSS writes them', () => {
  assert.equal(pk11UriValue('NSS Certificate DB      '), 'NSS%20Certificate%20DB')
  assert.equal(pk11UriValue('a;b/c'), 'a%3Bb%2Fc')
})
