/** The audit log rotates by size: audit.log → audit.log.1 → …, keeping a bounded number of files, all 0600. */
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {AuditLog} from '../../../src/controlplane/auth/audit.js'

test('the audit log rotates at its size limit, keeps `keep` old files, and loses no recent line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flytectl-audit-'))
  try {
    const path = join(dir, 'audit.log')
    const log = new AuditLog(path, {maxBytes: 1000, keep: 2})
    for (let i = 0; i < 40; i++) {
      log.record(
        {
          principal: {name: `c${i}`, kind: 'client', groups: []},
          action: 'read',
          project: 'p',
          domain: 'd',
          resource: '',
        },
        {allow: i % 2 === 0, rule: 'r'},
        'policy.yaml',
      )
    }
    await log.close()
    assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`))
    assert.equal(existsSync(`${path}.3`), false, 'only `keep` rotated files')
    const names = [`${path}.2`, `${path}.1`, path]
    const lines = names.flatMap((f) => {
      assert.equal(statSync(f).mode & 0o777, 0o600, f)
      assert.ok(statSync(f).size <= 1000, `${f} within the limit`)
      return readFileSync(f, 'utf8').trim().split('\n')
    })
    const who = lines.map((l) => (JSON.parse(l) as {principal: string}).principal)
    // The newest lines, in order, with nothing missing between the oldest kept and the last.
    const first = Number(who[0]!.slice(1))
    assert.deepEqual(
      who,
      Array.from({length: 40 - first}, (_, k) => `c${first + k}`),
    )
    assert.ok(first > 0, 'older lines were dropped')

    // Reopened, it continues the current file (its size counts toward the limit).
    const again = new AuditLog(path, {maxBytes: 1000, keep: 2})
    const before = statSync(path).size
    again.record(
      {principal: {name: 'z', kind: 'user', groups: []}, action: 'read', project: '', domain: '', resource: ''},
      {allow: true, rule: 'r'},
      'x',
    )
    await again.close()
    const after = statSync(path).size
    assert.ok(after > before ? after <= 1000 : existsSync(`${path}.1`))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
