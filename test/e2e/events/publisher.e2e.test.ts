/**
 * The real daemon, started by the built CLI with `demo start --events-config`: a seeded example run
 * reaches a local webhook in the CloudEvents binary mode, and the NDJSON file under the data dir holds
 * the same cloud events plus the raw (externalEvents) ones.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runCli, tempHome} from '../../support/cli.js'
import {freePort} from '../../support/net.js'

const h = tempHome()
const got: Array<{headers: Record<string, string>; body: string}> = []
const receiver = createServer((req, res) => {
  let body = ''
  req.on('data', (d: Buffer) => (body += d.toString()))
  req.on('end', () => {
    got.push({headers: req.headers as Record<string, string>, body})
    res.writeHead(204).end()
  })
})

before(async () => {
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok))
})
after(async () => {
  await runCli(['demo', 'teardown'], {env: {HOME: h.home}})
  receiver.close()
  h.cleanup()
})

describe('demo start --events-config', () => {
  it('publishes a run to the configured webhook and to the NDJSON file', async () => {
    const port = await freePort()
    const file = join(h.home, 'events.yaml')
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/flyte`
    writeFileSync(
      file,
      [
        'cloudEvents:',
        '  type: webhook',
        `  webhook: {url: '${url}', mode: binary, headers: {authorization: Bearer t0ken}}`,
        'externalEvents:',
        '  enable: true',
        '  eventsPublisher: {eventTypes: [workflow]}',
        '',
      ].join('\n'),
    )
    const started = await runCli(['demo', 'start', '--port', String(port), '--events-config', file], {
      env: {HOME: h.home},
    })
    assert.equal(started.code, 0, started.stderr)
    const dataDir = /Data directory: (.+)/.exec(started.stdout)![1]!
    const run = await runCli(
      [
        'create',
        'execution',
        '--launchplan',
        'examples.hello_world',
        '-p',
        'flytesnacks',
        '-d',
        'development',
        '--wait',
        '--config',
        join(h.home, '.flyte', 'config-sandbox.yaml'),
      ],
      {env: {HOME: h.home}},
    )
    assert.equal(run.code, 0, run.stderr)
    const name = /execution (\w+) SUCCEEDED/.exec(run.stdout)![1]!
    const lastId = `flytesnacks/development/${name}.SUCCEEDED`
    const deadline = Date.now() + 20_000
    while (!got.some((g) => g.headers['ce-id'] === lastId)) {
      assert.ok(Date.now() < deadline, 'the SUCCEEDED event reached the webhook')
      await new Promise((r) => setTimeout(r, 50))
    }
    const done = got.find((g) => g.headers['ce-id'] === lastId)!
    assert.equal(done.headers['ce-type'], 'com.flyte.resource.cloudevents.WorkflowExecution')
    assert.equal(done.headers['ce-source'], `${name}/end-node`)
    assert.equal(done.headers.authorization, 'Bearer t0ken')
    const data = JSON.parse(done.body) as {launchPlanId?: {name: string}; outputInterface?: unknown}
    assert.equal(data.launchPlanId?.name, 'examples.hello_world', 'a SUCCEEDED workflow event is enriched')
    assert.ok(data.outputInterface)

    const lines = readFileSync(join(dataDir, 'events', 'cloudevents.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {id: string; type: string})
    const cloud = lines.filter((l) => l.type.startsWith('com.flyte.resource.cloudevents.')).map((l) => l.id)
    assert.deepEqual(cloud, [...new Set(got.map((g) => g.headers['ce-id']))], 'the file and the webhook agree')
    const raw = lines.filter((l) => l.type === 'flyteidl.admin.WorkflowExecutionEventRequest').map((l) => l.id)
    assert.deepEqual(raw.slice(-2), [`flytesnacks/development/${name}.RUNNING`, lastId])
  })
})
