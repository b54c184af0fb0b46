import assert from 'node:assert/strict'
import {test} from 'node:test'
import {resolveToken} from '../../src/cli/pk12util/token.js'
import {MsgctlError} from '../../src/core/errors.js'

test('pk12util -h: the internal token by any of its names; anything else is refused with status 13', () => {
  for (const name of [undefined, 'internal', 'NSS Certificate DB', 'Internal (Software) Token', 'NSS User Private Key and Certificate Services', 'INTERNAL']) {
    assert.deepEqual(resolveToken(name), {kind: 'internal', name: 'NSS Certificate DB'}, String(name))
  }
  assert.throws(() => resolveToken('SoftHSM slot 0'), (err: unknown) => {
    assert.ok(err instanceof MsgctlError)
    assert.equal(err.exitCode, 13)
    assert.match(err.message, /^Invalid slot "SoftHSM slot 0": external tokens are not available to pk12util yet/)
    return true
  })
})
