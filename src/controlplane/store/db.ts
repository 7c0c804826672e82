/**
 * SQLite (node:sqlite) database of the embedded control plane: WAL mode, numbered migrations in code,
 * a cache of prepared statements and one transaction per write.
 */
import {DatabaseSync, type SQLInputValue, type StatementSync} from 'node:sqlite'

/** Numbered migrations; `PRAGMA user_version` records the last one applied. Append only. */
const MIGRATIONS: string[] = [
  // 1: initial schema. Times are microseconds since the epoch; `data` holds the admin message (protobuf binary).
  `
  CREATE TABLE projects (
    identifier TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
    state INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL
  );
  CREATE TABLE tasks (
    project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT '', digest TEXT NOT NULL, short_description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, name, version)
  );
  CREATE INDEX tasks_created ON tasks (project, domain, created_at);
  CREATE TABLE workflows (
    project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    digest TEXT NOT NULL, short_description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, name, version)
  );
  CREATE INDEX workflows_created ON workflows (project, domain, created_at);
  CREATE TABLE launch_plans (
    project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    workflow_project TEXT NOT NULL, workflow_domain TEXT NOT NULL, workflow_name TEXT NOT NULL,
    workflow_version TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0, schedule_type TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, name, version)
  );
  CREATE INDEX launch_plans_created ON launch_plans (project, domain, created_at);
  CREATE INDEX launch_plans_active ON launch_plans (project, domain, name, state);
  CREATE TABLE named_entity_metadata (
    resource_type INTEGER NOT NULL, project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '', state INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (resource_type, project, domain, name)
  );
  CREATE TABLE executions (
    project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    launch_plan_project TEXT NOT NULL DEFAULT '', launch_plan_domain TEXT NOT NULL DEFAULT '',
    launch_plan_name TEXT NOT NULL DEFAULT '', launch_plan_version TEXT NOT NULL DEFAULT '',
    workflow_project TEXT NOT NULL DEFAULT '', workflow_domain TEXT NOT NULL DEFAULT '',
    workflow_name TEXT NOT NULL DEFAULT '', workflow_version TEXT NOT NULL DEFAULT '',
    task_project TEXT NOT NULL DEFAULT '', task_domain TEXT NOT NULL DEFAULT '',
    task_name TEXT NOT NULL DEFAULT '', task_version TEXT NOT NULL DEFAULT '',
    phase TEXT NOT NULL, mode INTEGER NOT NULL DEFAULT 0, state INTEGER NOT NULL DEFAULT 0,
    user TEXT NOT NULL DEFAULT '', error_kind TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '',
    inputs_uri TEXT NOT NULL DEFAULT '', started_at INTEGER, duration INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, name)
  );
  CREATE INDEX executions_created ON executions (project, domain, state, created_at);
  CREATE INDEX executions_phase ON executions (project, domain, phase);
  CREATE TABLE execution_tags (
    project TEXT NOT NULL, domain TEXT NOT NULL, execution_name TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (project, domain, execution_name, key)
  );
  CREATE TABLE node_executions (
    project TEXT NOT NULL, domain TEXT NOT NULL, execution_name TEXT NOT NULL, node_id TEXT NOT NULL,
    parent_id TEXT NOT NULL DEFAULT '', parent_task_key TEXT NOT NULL DEFAULT '', phase TEXT NOT NULL,
    is_parent INTEGER NOT NULL DEFAULT 0, dynamic_workflow BLOB,
    input_uri TEXT NOT NULL DEFAULT '', error_kind TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '',
    started_at INTEGER, duration INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, execution_name, node_id)
  );
  CREATE INDEX node_executions_parent ON node_executions (project, domain, execution_name, parent_id, created_at);
  CREATE INDEX node_executions_parent_task ON node_executions (parent_task_key);
  CREATE TABLE task_executions (
    project TEXT NOT NULL, domain TEXT NOT NULL, execution_name TEXT NOT NULL, node_id TEXT NOT NULL,
    task_project TEXT NOT NULL, task_domain TEXT NOT NULL, task_name TEXT NOT NULL, task_version TEXT NOT NULL,
    retry_attempt INTEGER NOT NULL, phase TEXT NOT NULL, phase_version INTEGER NOT NULL DEFAULT 0, started_at INTEGER, duration INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, execution_name, node_id, task_project, task_domain, task_name, task_version, retry_attempt)
  );
  CREATE TABLE matchable_attributes (
    project TEXT NOT NULL, domain TEXT NOT NULL, workflow TEXT NOT NULL, launch_plan TEXT NOT NULL,
    resource_type INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (project, domain, workflow, launch_plan, resource_type)
  );
  CREATE TABLE description_entities (
    resource_type INTEGER NOT NULL, project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    version TEXT NOT NULL, short_description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (resource_type, project, domain, name, version)
  );
  `,
  // 2: the inputs the user gave (relaunch/recover reuse them) live with the execution row.
  `ALTER TABLE executions ADD COLUMN user_inputs BLOB;`,
  // 3: gate signals (SignalService) and the lineage of child executions (launch-plan nodes, relaunch/recover).
  `
  CREATE TABLE signals (
    project TEXT NOT NULL, domain TEXT NOT NULL, execution_name TEXT NOT NULL, signal_id TEXT NOT NULL,
    type BLOB NOT NULL, value BLOB, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (project, domain, execution_name, signal_id)
  );
  ALTER TABLE executions ADD COLUMN parent_execution TEXT NOT NULL DEFAULT '';
  ALTER TABLE executions ADD COLUMN parent_node_id TEXT NOT NULL DEFAULT '';
  ALTER TABLE executions ADD COLUMN source_execution TEXT NOT NULL DEFAULT '';
  CREATE INDEX executions_parent ON executions (project, domain, parent_execution);
  `,
  // 4: the scheduler's last fire time per schedule (project:domain:name:version), in ms since the epoch.
  `CREATE TABLE schedule_snapshots (schedule_key TEXT PRIMARY KEY, last_fire INTEGER NOT NULL);`,
  // 5: the event publisher's outbox (one row per published event and stream, written in the same
  // transaction as the event it describes) and how far each sink has delivered it.
  `
  CREATE TABLE event_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    created_at INTEGER NOT NULL, envelope TEXT NOT NULL
  );
  CREATE TABLE event_sink_offsets (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  `,
  // 6: retention (`demo start --retain`): the note kept on an execution whose data was deleted.
  `ALTER TABLE executions ADD COLUMN data_expired TEXT NOT NULL DEFAULT '';`,
]

export const SCHEMA_VERSION = MIGRATIONS.length

export type Row = Record<string, SQLInputValue>

export class Database {
  readonly db: DatabaseSync
  private readonly statements = new Map<string, StatementSync>()
  private depth = 0

  constructor(path: string) {
    this.db = new DatabaseSync(path)
    // busy_timeout first: switching to WAL takes a lock that a second opener must wait for.
    this.db.exec('PRAGMA busy_timeout = 5000')
    this.db.exec('PRAGMA journal_mode = WAL')
    this.db.exec('PRAGMA synchronous = NORMAL')
    this.db.exec('PRAGMA foreign_keys = ON')
    this.migrate()
  }

  private migrate(): void {
    const current = Number((this.db.prepare('PRAGMA user_version').get() as {user_version: number}).user_version)
    if (current > MIGRATIONS.length) {
      throw new Error(
        `data directory schema version ${current} is newer than this control plane (${MIGRATIONS.length}); upgrade flytectl`,
      )
    }
    for (let i = current; i < MIGRATIONS.length; i++) {
      this.transaction(() => {
        this.db.exec(MIGRATIONS[i]!)
        this.db.exec(`PRAGMA user_version = ${i + 1}`)
      })
    }
  }

  /** A prepared statement, cached by its SQL text. */
  stmt(sql: string): StatementSync {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  get<T = Row>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined
  }

  all<T = Row>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.stmt(sql).all(...params) as T[]
  }

  run(sql: string, ...params: SQLInputValue[]): {changes: number} {
    const r = this.stmt(sql).run(...params)
    return {changes: Number(r.changes)}
  }

  /** Runs fn in one IMMEDIATE transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn()
    this.db.exec('BEGIN IMMEDIATE')
    this.depth++
    try {
      const result = fn()
      this.depth--
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.depth--
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  integrityCheck(): string {
    return (this.db.prepare('PRAGMA integrity_check').get() as {integrity_check: string}).integrity_check
  }

  close(): void {
    this.statements.clear()
    this.db.close()
  }
}
