/**
 * The PKCS #11 module database (modutil) and token resolution shared by
 * certutil -h, modutil -changepw and pk12util.
 */
export {ModuleError, MODUTIL_EXIT} from './errors.js'
export {INTERNAL_MODULE_NAME, INTERNAL_SLOTS, isInternalKeyToken, isInternalCryptoToken} from './internal_module.js'
export {MECHANISM_NAMES, parseMechanismList, joinMechanisms, splitMechanisms} from './mechanisms.js'
export {
  listModuleRecords, findModuleRecord, requireModuleRecord, insertModuleRecord, deleteModuleRecord, slotSettings,
  setSlotDisabled, setModuleMechanisms, setSlotMechanisms,
} from './module_db.js'
export type {ModuleRecord, SlotSetting, NewModule} from './module_db.js'
export {viewModule, INTERNAL_VERSION} from './module_view.js'
export type {ModuleView, SlotView, TokenView} from './module_view.js'
export {formatModuleSpec, parseSpecPairs, moduleFromSpec} from './module_spec.js'
export {resolveToken, loginWith, tokenNameOf, externalTokenNames} from './resolve_token.js'
export type {ResolvedToken, InternalToken, ExternalToken, ResolveOptions} from './resolve_token.js'
export {NO_PINS, pinsFromPasswordFile, pinsFromSslPasswordConf, firstPin} from './pin_source.js'
export type {PinSource} from './pin_source.js'
export {changeTokenPin} from './change_password.js'
export {addModule} from './add_module.js'
