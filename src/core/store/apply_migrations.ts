import type Database from 'better-sqlite3'

/** A numbered schema step; see migrations.ts. */
export interface NumberedMigration {
  readonly version: number
  readonly sql: string
}

/**
 * Bring a SQLite file's schema up to date under the write lock, recording
 * progress in `PRAGMA user_version` and marking a new file with its
 * application id. Shared by msg.db and mail.db.
 */
export function applyMigrations(db: Database.Database, migrations: readonly NumberedMigration[], applicationId: number): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0
  db.transaction(() => {
    // Re-read inside the lock: another process may have migrated meanwhile.
    const current = db.pragma('user_version', {simple: true}) as number
    if (current >= latest) return
    if (current === 0) db.pragma(`application_id = ${applicationId}`)
    for (const m of migrations) {
      if (m.version <= current) continue
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}
