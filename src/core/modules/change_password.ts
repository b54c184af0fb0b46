/**
 * modutil -changepw. The store's token: every private key is re-sealed
 * under the new password in one transaction (certdb's changeTokenPassword),
 * so a crash leaves all keys under the old password or all under the new.
 * An external token: C_SetPIN, which the token does atomically itself.
 */
import {changeTokenPassword, initToken, tokenSecret, unlockToken} from '../certdb/index.js'
import {Pkcs11Error} from '../pkcs11/index.js'
import type {Store} from '../store/index.js'
import {ModuleError, MODUTIL_EXIT} from './errors.js'
import {NO_PINS} from './pin_source.js'
import {resolveToken} from './resolve_token.js'

export function changeTokenPin(store: Store, tokenName: string, oldPin: string, newPin: string): void {
  const token = resolveToken(store, tokenName, NO_PINS, {login: false})
  if (token.kind === 'internal') {
    if (!tokenSecret(store)) {
      // No password yet: setting one is what NSS does here.
      initToken(store, newPin)
      return
    }
    let key
    try {
      key = unlockToken(store, oldPin)
    } catch {
      throw new ModuleError('Incorrect password.', MODUTIL_EXIT.BAD_PASSWORD)
    }
    changeTokenPassword(store, key, newPin)
    return
  }
  try {
    token.session.setPin(oldPin, newPin)
  } catch (err) {
    if (err instanceof Pkcs11Error && err.badPin && err.ckr !== 0xa2) throw new ModuleError('Incorrect password.', MODUTIL_EXIT.BAD_PASSWORD)
    throw new ModuleError(`Failed to change the password of token "${token.name}": ${(err as Error).message}.`, MODUTIL_EXIT.CHANGEPW_FAILED)
  } finally {
    token.close()
  }
}
