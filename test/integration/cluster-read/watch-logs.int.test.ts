/** The live execution tree on a terminal, and remote log links, against real servers. */
import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {watchExecution} from '../../../src/cluster/get-execution.js'
import {fetchPlain} from '../../../src/cluster/logs.js'
import {launch, seed, type Seeded} from '../../e2e/cluster-read/seed.js'

let s: Seeded
before(async () => {
  s = await seed()
})
after(async () => {
  await s.stop()
})

describe('watch on a terminal', () => {
  it('redraws the tree in place until the execution ends', async () => {
    await launch(s.clients, 'live')
    const frames: string[] = []
    const result = (await watchExecution(
      s.clients.admin,
      {project: 'flytesnacks', domain: 'development', name: 'live'},
      {
        format: 'table',
        filter: {},
        out: () => assert.fail('plain lines are for non-terminals'),
        note: () => {},
        isTTY: true,
        intervalMs: 20,
        write: (t) => frames.push(t),
      },
    )) as {phase: string}
    assert.equal(result.phase, 'SUCCEEDED')
    assert.ok(frames.length >= 2, `several frames (got ${frames.length})`)
    const ESC = '\u001b'
    assert.ok(!frames[0]!.includes(ESC), 'first frame draws without moving the cursor')
    const redraw = new RegExp(`^${ESC}\\[\\d+A${ESC}\\[0J`)
    for (const f of frames.slice(1)) assert.match(f, redraw, 'later frames overwrite the previous one')
    assert.match(frames.at(-1)!, /live \[SUCCEEDED\]/)
    assert.match(frames.at(-1)!, /n1 \[SUCCEEDED\]/)
  })
})

describe('remote log links', () => {
  let url = ''
  const server = createServer((req, res) => {
    if (req.url === '/plain')
      res.writeHead(200, {'content-type': 'text/plain; charset=utf-8'}).end('line one\nline two')
    else res.writeHead(200, {'content-type': 'text/html'}).end('<html>log viewer</html>')
  })
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((r) => server.close(() => r())))

  it('fetches plain-text logs and prints links to log viewers', async () => {
    assert.equal(await fetchPlain(`${url}/plain`), 'line one\nline two\n')
    assert.equal(await fetchPlain(`${url}/viewer`), `${url}/viewer\n`)
    assert.equal(await fetchPlain('s3://bucket/log'), 's3://bucket/log\n')
  })
})
