/** modutil's usage (reference §2.1), printed on stdout when no or no valid command is given. */
export const USAGE = `Usage: modutil [command] [options]

Commands (one per run):
-add MODULE_NAME      -libfile LIBRARY_FILE [-ciphers CIPHER_LIST] [-mechanisms MECHANISM_LIST] [-string CONFIG_STRING]
-changepw TOKEN       [-pwfile FILE] [-newpwfile FILE]
-chkfips true|false   verify FIPS mode is on (true) / off (false)
-create               create the store (certificates, keys and modules share one file)
-default MODULE       -mechanisms LIST [-slot SLOT]
-delete MODULE
-disable MODULE       [-slot SLOT]
-enable MODULE        [-slot SLOT]
-fips true|false      FIPS mode of the internal module (true is not supported)
-force                no interactive prompts
-jar JARFILE          -installdir DIR [-tempdir DIR]   (not supported)
-list [MODULE]        [--json]
-rawadd MODULESPEC
-rawlist [MODULE]
-undefault MODULE     -mechanisms LIST [-slot SLOT]
Options: -dbdir DIR, -dbprefix prefix, -nocertdb, -secmod secmodName

Mechanism lists are colon-separated from: RSA DSA ECC DH RC2 RC4 RC5 AES CAMELLIA SEED DES MD2 MD5 SHA1 SHA256 SHA512 SSL TLS RANDOM FRIENDLY
Cipher lists are colon-separated (no ciphers are recognised).

Questions or bug reports should be sent to modutil-support@netscape.com.
`
