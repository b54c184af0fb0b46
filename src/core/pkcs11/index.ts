/**
 * A thin typed layer over pkcs11js: load a library, read its slots and
 * tokens, log in, find, generate and use keys on a token, change its PIN.
 */
export {Pkcs11Library, pkcs11js} from './library.js'
export {TokenSession, ecdsaDer} from './token_session.js'
export {Pkcs11Error, CKR} from './errors.js'
export {EC_PARAMS} from './ec_params.js'
export {buildCertificateWith, buildRequestWith, keyObjectSigner, tokenSigner} from './certificate_signer.js'
export type {CertificateSigningKey} from './certificate_signer.js'
export type {ModuleDescription, SlotDescription, TokenDescription, TokenPrivateKey, TokenCertificate, TokenKeySpec} from './types.js'
