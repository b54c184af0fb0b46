/**
 * Numbered schema migrations of mail.db. The file records the last one
 * applied in `PRAGMA user_version`; opening runs the missing ones in one
 * transaction. Append only: never edit a migration that has shipped.
 */
export interface MailMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const MAIL_MIGRATIONS: readonly MailMigration[] = [
  {
    version: 1,
    name: 'mailboxes and messages',
    sql: `
      -- One row per user who has had mail; remembers the last UIDVALIDITY given
      -- so a re-created mailbox never gets an old value back.
      CREATE TABLE mail_user (
        name              TEXT PRIMARY KEY NOT NULL,
        last_uid_validity INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE mailbox (
        id           INTEGER PRIMARY KEY,
        user         TEXT NOT NULL REFERENCES mail_user(name) ON DELETE CASCADE,
        name         TEXT NOT NULL,             -- canonical: INBOX upper-case, "/" separated
        uid_validity INTEGER NOT NULL,
        uid_next     INTEGER NOT NULL DEFAULT 1, -- only grows: UIDs are never reused
        selectable   INTEGER NOT NULL DEFAULT 1, -- 0: \\Noselect, left by DELETE of a parent
        UNIQUE (user, name)
      );

      -- By name, not mailbox id: a subscription outlives its mailbox
      -- (RFC 3501 6.3.6: the server must not drop it unilaterally).
      CREATE TABLE subscription (
        user TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (user, name)
      ) WITHOUT ROWID;

      -- Listing rows only; bodies live in message_chunk so LIST, STATUS and
      -- FETCH FLAGS read small rows.
      CREATE TABLE message (
        id            INTEGER PRIMARY KEY,
        mailbox_id    INTEGER NOT NULL REFERENCES mailbox(id) ON DELETE CASCADE,
        uid           INTEGER NOT NULL,
        size          INTEGER NOT NULL,
        internal_date INTEGER NOT NULL,           -- milliseconds since the epoch
        system_flags  INTEGER NOT NULL DEFAULT 0, -- bit set, see message_flags.ts
        keywords      TEXT NOT NULL DEFAULT '',   -- space-separated atoms
        recent        INTEGER NOT NULL DEFAULT 1,
        UNIQUE (mailbox_id, uid)                  -- also the listing index
      );
      CREATE INDEX message_recent ON message (mailbox_id) WHERE recent = 1;

      -- Bodies in pieces: SQLite's largest value (1,000,000,000 bytes) is below
      -- the 1 GiB message limit.
      CREATE TABLE message_chunk (
        message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        data       BLOB NOT NULL,
        PRIMARY KEY (message_id, seq)
      );
    `,
  },
]

export const MAIL_SCHEMA_VERSION = MAIL_MIGRATIONS[MAIL_MIGRATIONS.length - 1]!.version
