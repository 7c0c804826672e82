/**
 * The audit log: one JSON line per decision in `<dataDir>/auth/audit.log` (0600) — when, who,
 * what (action, project, domain, resource), allowed or denied, and the rule that decided.
 */
import {createWriteStream, type WriteStream} from 'node:fs'
import {join} from 'node:path'
import {authDir} from './keys.js'
import type {Decision, DecisionInput} from './policy.js'

export const auditPath = (dataDir: string) => join(authDir(dataDir), 'audit.log')

export class AuditLog {
  private readonly out: WriteStream

  constructor(readonly path: string) {
    this.out = createWriteStream(path, {flags: 'a', mode: 0o600})
    this.out.on('error', (err) => process.stderr.write(`audit log ${path}: ${err.message}\n`))
  }

  record(input: DecisionInput, decision: Decision, via: string): void {
    this.out.write(
      JSON.stringify({
        time: new Date().toISOString(),
        principal: input.principal.name,
        kind: input.principal.kind,
        action: input.action,
        project: input.project,
        domain: input.domain,
        resource: input.resource,
        decision: decision.allow ? 'allow' : 'deny',
        rule: decision.rule,
        via,
      }) + '\n',
    )
  }

  close(): Promise<void> {
    return new Promise((ok) => this.out.end(() => ok()))
  }
}
