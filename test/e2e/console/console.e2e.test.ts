/**
 * `flytectl console` as users run it: the built CLI serves the console for an endpoint (the embedded
 * plane's HTTP gateway here), prints where, forwards API calls, and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {after, before, describe, it} from 'node:test'
import {BIN, REPO_ROOT, tempHome} from '../../support/cli.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

describe('flytectl console', () => {
  let plane: TestControlPlane
  const home = tempHome()

  before(async () => {
    plane = await startControlPlane()
  })
  after(async () => {
    await plane.stop()
    home.cleanup()
  })

  it('serves the console for --endpoint until stopped', async () => {
    const child = spawn(process.execPath, [BIN, 'console', '--endpoint', plane.url, '--port', '0'], {
      cwd: REPO_ROOT,
      env: {...process.env, HOME: home.home, NO_COLOR: '1', FLYTECTL_CONFIG: ''},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)))
    const url = await new Promise<string>((ok, fail) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /^Console for \S+: (http:\/\/127\.0\.0\.1:\d+)\/console/m.exec(out)
        if (m) ok(m[1]!)
      })
      void exited.then(() => fail(new Error(`exited before serving: ${stderr}`)))
    })
    try {
      const page = await fetch(`${url}/console/projects/flytesnacks/domains/development/executions`)
      assert.equal(page.status, 200)
      assert.match(await page.text(), /content="proxy"/)
      assert.equal((await fetch(`${url}/console/assets/app.js`)).status, 200, 'the bundle ships with the CLI')
      const version = await fetch(`${url}/api/v1/version`)
      assert.equal(version.status, 200)
      assert.ok(((await version.json()) as {control_plane_version?: unknown}).control_plane_version)
    } finally {
      child.kill('SIGTERM')
    }
    assert.equal(await exited, 0, stderr)
  })
})
