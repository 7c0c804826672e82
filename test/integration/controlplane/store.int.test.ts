import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DatabaseSync} from 'node:sqlite'
import {after, test} from 'node:test'
import {Database, SCHEMA_VERSION} from '../../../src/controlplane/store/db.js'

const dir = mkdtempSync(join(tmpdir(), 'flytectl-store-'))
after(() => rmSync(dir, {recursive: true, force: true}))

test('migrations run in order, record the schema version and leave WAL mode on', () => {
  const path = join(dir, 'a.db')
  const db = new Database(path)
  db.close()
  const raw = new DatabaseSync(path)
  assert.equal((raw.prepare('PRAGMA user_version').get() as {user_version: number}).user_version, SCHEMA_VERSION)
  assert.equal((raw.prepare('PRAGMA journal_mode').get() as {journal_mode: string}).journal_mode, 'wal')
  const cols = (raw.prepare('PRAGMA table_info(executions)').all() as {name: string}[]).map((c) => c.name)
  assert.ok(cols.includes('user_inputs'), 'migration 2 applied')
  raw.close()
  // Re-opening applies nothing twice.
  new Database(path).close()
})

test('a data directory from a newer flytectl is refused with a clear message', () => {
  const path = join(dir, 'b.db')
  const raw = new DatabaseSync(path)
  raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
  raw.close()
  assert.throws(() => new Database(path), /schema version \d+ is newer than this control plane .*upgrade flytectl/)
})

test('a failed write rolls back the whole transaction', () => {
  const db = new Database(join(dir, 'c.db'))
  assert.throws(() =>
    db.transaction(() => {
      db.run("INSERT INTO projects (identifier, name, created_at, updated_at, data) VALUES ('p', 'p', 0, 0, x'')")
      throw new Error('boom')
    }),
  )
  assert.equal(db.get('SELECT 1 FROM projects WHERE identifier = ?', 'p'), undefined)
  assert.equal(db.integrityCheck(), 'ok')
  db.close()
})
