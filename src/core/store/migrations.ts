/**
 * Numbered schema migrations. A store records the last one applied in
 * `PRAGMA user_version`; opening runs the missing ones in one transaction.
 * Append only: never edit a migration that has shipped.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'configuration',
    sql: `
      CREATE TABLE store_meta (
        key   TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO store_meta (key, value) VALUES ('generation', '0');

      -- Explicit configuration settings; defaults live in the parameter registry.
      CREATE TABLE config (
        name       TEXT PRIMARY KEY NOT NULL,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'certificates and keys',
    sql: `
      -- The internal token: how its password is checked and keys unsealed.
      CREATE TABLE token (
        name           TEXT PRIMARY KEY NOT NULL,
        kdf_params     TEXT NOT NULL,          -- JSON KdfParameters
        salt           BLOB NOT NULL,
        password_check BLOB NOT NULL,
        created_at     TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Private keys, PKCS #8 sealed under the token key (AES-256-GCM).
      CREATE TABLE private_key (
        key_id       BLOB PRIMARY KEY NOT NULL, -- NSS CKA_ID: SHA-1 of the public value
        token        TEXT NOT NULL REFERENCES token(name) ON DELETE CASCADE,
        key_type     TEXT NOT NULL,
        nickname     TEXT,
        spki         BLOB NOT NULL,
        sealed_pkcs8 BLOB NOT NULL,
        created_at   TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Certificates; the key is found through key_id, so 'u' trust is derived.
      CREATE TABLE certificate (
        id            INTEGER PRIMARY KEY,
        nickname      TEXT NOT NULL,
        der           BLOB NOT NULL,
        sha256        BLOB NOT NULL UNIQUE,
        subject       TEXT NOT NULL,
        issuer        TEXT NOT NULL,
        issuer_der    BLOB NOT NULL,
        serial        BLOB NOT NULL,
        key_id        BLOB NOT NULL,
        email         TEXT,
        not_before    TEXT NOT NULL,
        not_after     TEXT NOT NULL,
        trust_ssl     INTEGER NOT NULL DEFAULT 0,
        trust_email   INTEGER NOT NULL DEFAULT 0,
        trust_objsign INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        UNIQUE (issuer_der, serial)
      );
      CREATE INDEX certificate_nickname ON certificate (nickname);
      CREATE INDEX certificate_email ON certificate (email);
      CREATE INDEX certificate_key_id ON certificate (key_id);
    `,
  },
  {
    version: 3,
    name: 'embedded directory users',
    sql: `
      -- The embedded directory: mail users until LDAP is configured.
      -- Names compare case-insensitively, as mail logins do.
      CREATE TABLE mail_user (
        name          TEXT PRIMARY KEY COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        roles         TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'mail address and SCRAM keys of embedded users',
    sql: `
      -- The address certificate login maps e-mail certificates to (certmap FilterComps e).
      ALTER TABLE mail_user ADD COLUMN mail TEXT COLLATE NOCASE;
      CREATE UNIQUE INDEX mail_user_mail ON mail_user (mail);
      -- SCRAM-SHA-1 and SCRAM-SHA-256 salted keys (RFC 5802 section 3), JSON; NULL until the password is next set or used.
      ALTER TABLE mail_user ADD COLUMN scram TEXT;
    `,
  },
  {
    version: 5,
    name: 'PKCS #11 module database',
    sql: `
      -- modutil's module database (NSS keeps it in pkcs11.txt). The internal
      -- module is a row too, so ordering, flags and -rawlist treat it alike.
      CREATE TABLE pkcs11_module (
        name               TEXT PRIMARY KEY NOT NULL,
        library            TEXT,                      -- NULL for the internal module
        internal           INTEGER NOT NULL DEFAULT 0,
        parameters         TEXT NOT NULL DEFAULT '',  -- -string: handed to the library as its configuration
        ciphers            TEXT NOT NULL DEFAULT '',  -- colon list (-ciphers)
        default_mechanisms TEXT NOT NULL DEFAULT '',  -- colon list (-default/-undefault without -slot)
        trust_order        INTEGER NOT NULL DEFAULT 100,
        cipher_order       INTEGER NOT NULL DEFAULT 0,
        position           INTEGER NOT NULL,          -- listing order
        created_at         TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Per-slot settings (-enable/-disable, -default -slot); slots are named by their trimmed description.
      CREATE TABLE pkcs11_slot (
        module     TEXT NOT NULL REFERENCES pkcs11_module(name) ON DELETE CASCADE,
        slot       TEXT NOT NULL,
        disabled   INTEGER NOT NULL DEFAULT 0,
        mechanisms TEXT,                              -- NULL: the module's default mechanisms
        PRIMARY KEY (module, slot)
      ) WITHOUT ROWID;

      INSERT INTO pkcs11_module (name, library, internal, default_mechanisms, trust_order, cipher_order, position, created_at)
      VALUES ('NSS Internal PKCS #11 Module', NULL, 1, 'RSA:ECC:DH:RC2:RC4:DES:AES:CAMELLIA:SEED:SHA1:SHA256:SHA512:MD5:MD2:SSL:TLS', 75, 100, 1,
              strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    `,
  },
]

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
