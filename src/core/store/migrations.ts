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
]

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
