/** TLS for the daemon, built from the shared store and the encryption.* parameters. */
export {parseCipherList, cipherAuthentication, CipherListError, DEFAULT_TLS12_CIPHERS, DEFAULT_TLS13_SUITES} from './cipher_list.js'
export type {CipherList, CipherAuthentication} from './cipher_list.js'
export {parseSslPasswordFile, readSslPasswordFile, internalTokenPassword, isInternalToken, SslPasswordFileError, SSL_PASSWORD_FILE} from './ssl_password_file.js'
export type {SslPasswordEntry, SslPasswords} from './ssl_password_file.js'
export {loadServerCredentials, ServerCredentialsError} from './server_credentials.js'
export type {ServerCredentialOptions, ServerCredentials, ServerCredentialsProblem} from './server_credentials.js'
export {buildTlsSettings, resolveTlsPolicy, TlsSettingsError} from './tls_settings.js'
export type {ConfigGetter, TlsVersion, ClientAuthMode, TlsPolicy, TlsServerOptions, TlsSettings} from './tls_settings.js'
