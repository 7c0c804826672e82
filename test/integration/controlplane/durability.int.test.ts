/**
 * Durability: a control plane process under 8 concurrent writers is SIGKILLed mid-load and restarted
 * on the same data directory; every create it acknowledged is there and SQLite's integrity check passes.
 * (Modest counts here; bench/controlplane.ts runs 8 × 500.)
 */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DatabaseSync} from 'node:sqlite'
import {test} from 'node:test'
import {createAdminClients} from '../../../src/admin/client.js'
import {registerHello, spawnControlPlane, fixtures} from '../../support/controlplane.js'

const CLIENTS = 8
const PER_CLIENT = 60

test('SIGKILL mid-load loses no acknowledged create and leaves an intact database', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flytectl-durability-'))
  try {
    const first = await spawnControlPlane(dataDir)
    const setup = createAdminClients({endpoint: first.endpoint, insecure: true, maxRetries: 1})
    await registerHello(setup.admin, 'durable', 'development')
    setup.close()

    const acknowledged: string[] = []
    let killed = false
    const total = CLIENTS * PER_CLIENT
    const killAt = Math.floor(total / 2)
    const writers = Array.from({length: CLIENTS}, async (_, w) => {
      const c = createAdminClients({endpoint: first.endpoint, insecure: true, maxRetries: 1})
      try {
        for (let i = 0; i < PER_CLIENT; i++) {
          const name = `w${w}-${i}`
          try {
            await c.admin.createExecution({
              project: 'durable',
              domain: 'development',
              name,
              spec: {launchPlan: fixtures.launchPlanId('durable', 'development')},
              inputs: {literals: {name: fixtures.stringLiteral(name)}},
            })
          } catch {
            assert.ok(killed, `a create failed before the kill: ${name}`)
            return
          }
          acknowledged.push(name)
          if (acknowledged.length === killAt && !killed) {
            killed = true
            void first.kill()
          }
        }
      } finally {
        c.close()
      }
    })
    await Promise.all(writers)
    await first.kill()
    assert.ok(killed, 'the server was killed while writers were running')
    assert.ok(acknowledged.length >= killAt && acknowledged.length < total, `acknowledged ${acknowledged.length}`)

    const second = await spawnControlPlane(dataDir)
    const c = createAdminClients({endpoint: second.endpoint, insecure: true})
    const stored = new Set<string>()
    let token = ''
    do {
      const page = await c.admin.listExecutions({id: {project: 'durable', domain: 'development'}, limit: 200, token})
      for (const e of page.executions) stored.add(e.id!.name)
      token = page.token
    } while (token !== '')
    c.close()
    await second.stop()
    const lost = acknowledged.filter((n) => !stored.has(n))
    assert.deepEqual(lost, [], 'every acknowledged create survives')

    const db = new DatabaseSync(join(dataDir, 'flyteadmin.db'))
    try {
      assert.equal((db.prepare('PRAGMA integrity_check').get() as {integrity_check: string}).integrity_check, 'ok')
    } finally {
      db.close()
    }
  } finally {
    rmSync(dataDir, {recursive: true, force: true})
  }
})
