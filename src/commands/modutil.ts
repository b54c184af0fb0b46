import {Command, Flags} from '@oclif/core'
import type {NssSyntax} from '../core/argv/index.js'

const command = (description: string, helpValue?: string) => Flags.string({description: `command: ${description}`, ...(helpValue ? {helpValue} : {})})

export default class Modutil extends Command {
  static override summary = 'Manage the PKCS #11 module database in the msgctl store (NSS modutil compatible).'

  static override description = `One command per run: -add, -rawadd, -delete, -list, -rawlist, -enable, -disable, -default, -undefault, -changepw, -create, -fips, -chkfips.
Options are one-dash words as in NSS 3.87 modutil; -dbdir DIR (sql:DIR accepted) names the store directory (default $MSGCTL_HOME, then ~/.msgctl).
The internal module (the store itself, two slots; its key token is "NSS Certificate DB", also called "Internal (Software) Token") is always present. External modules are PKCS #11 libraries loaded with pkcs11js; -list loads each one and shows its real slots and tokens.
Commands that change the database ask for confirmation on stdin unless -force is given (an empty line or end of input continues, "q" aborts).
Not supported: -jar (PKCS #11 JAR install scripts) and switching the internal module to FIPS mode (-fips true): it is not a validated FIPS 140 module.
Exit status: 0 success, 1 usage; the others are NSS's (22 add failed, 29 no such module, 33 no such token, 35 bad password, 38 no such slot, ...).`

  static override examples = [
    '<%= config.bin %> modutil -add SoftHSM -libfile /usr/lib/softhsm/libsofthsm2.so -dbdir /srv/msg/config -force',
    '<%= config.bin %> modutil -list -dbdir /srv/msg/config',
    '<%= config.bin %> modutil -list SoftHSM --json -dbdir /srv/msg/config',
    '<%= config.bin %> modutil -changepw "Internal (Software) Token" -pwfile old.txt -newpwfile new.txt -dbdir /srv/msg/config -force',
  ]

  static override flags = {
    add: command('add the module named MODULE (-libfile required)', 'MODULE'),
    rawadd: command('add a module from an NSS module spec string', 'MODULESPEC'),
    delete: command('delete the module', 'MODULE'),
    list: command('list the modules, or show one in detail', '[MODULE]'),
    rawlist: command('print the module spec strings', '[MODULE]'),
    enable: command('enable every slot of the module, or -slot SLOT', 'MODULE'),
    disable: command('disable every slot of the module, or -slot SLOT', 'MODULE'),
    default: command('make the module the default for -mechanisms', 'MODULE'),
    undefault: command('stop the module being the default for -mechanisms', 'MODULE'),
    changepw: command('change the password (PIN) of a token', 'TOKEN'),
    create: Flags.boolean({description: 'command: create the store (module, certificate and key databases are one file here)'}),
    fips: command('true|false: FIPS mode of the internal module (true is refused: not a FIPS 140 module)', 'true|false'),
    chkfips: command('true|false: check the FIPS mode; exit 11 when it differs', 'true|false'),
    jar: command('not supported: PKCS #11 JAR install scripts', 'JARFILE'),
    libfile: Flags.string({helpValue: 'LIBRARY', description: 'with -add: the PKCS #11 shared library'}),
    mechanisms: Flags.string({helpValue: 'LIST', description: 'colon list: RSA DSA ECC DH RC2 RC4 RC5 DES AES CAMELLIA SEED SHA1 SHA256 SHA512 MD5 MD2 SSL TLS RANDOM FRIENDLY'}),
    ciphers: Flags.string({helpValue: 'LIST', description: 'with -add: colon list of ciphers to enable'}),
    string: Flags.string({helpValue: 'CONFIG', description: 'with -add: configuration string handed to the library at initialisation'}),
    slot: Flags.string({helpValue: 'SLOT', description: 'with -enable, -disable, -default, -undefault: one slot (its name as -list shows it)'}),
    pwfile: Flags.string({helpValue: 'FILE', description: 'with -changepw: the current password (NSS password file format)'}),
    newpwfile: Flags.string({helpValue: 'FILE', description: 'with -changepw: the new password'}),
    force: Flags.boolean({description: 'do not ask for confirmation'}),
    dbdir: Flags.string({helpValue: 'DIR', description: 'store directory (sql:DIR accepted)'}),
    dbprefix: Flags.string({helpValue: 'PREFIX', description: 'accepted for compatibility; the store is always msg.db'}),
    secmod: Flags.string({helpValue: 'NAME', description: 'accepted for compatibility; modules live in msg.db'}),
    nocertdb: Flags.boolean({description: 'do not touch certificates and keys (refused with -changepw of the internal token)'}),
    installdir: Flags.string({helpValue: 'DIR', description: 'with -jar (not supported)'}),
    tempdir: Flags.string({helpValue: 'DIR', description: 'with -jar (not supported)'}),
    json: Flags.boolean({description: 'with -list: JSON output'}),
    help: Flags.help({description: 'show this help'}),
  }

  static nss: NssSyntax = {style: 'words', usageExit: 1, optionalValue: ['list', 'rawlist']}

  async run(): Promise<void> {
    const {runFromOclif} = await import('../cli/oclif_bridge.js')
    await runFromOclif('modutil', this.argv)
  }
}
