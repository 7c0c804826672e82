/** An in-process embedded control plane on a free loopback port, with a temp data dir and config file. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Executor} from '../../src/controlplane/executor/types.js'

export interface TestControlPlane {
  /** `dns:///127.0.0.1:<port>` */
  endpoint: string
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  dataDir: string
  /** A flytectl config.yaml with admin.endpoint and insecure: true. */
  configPath: string
  stop(): Promise<void>
}

export async function startControlPlane(opts: {executor?: Executor} = {}): Promise<TestControlPlane> {
  const root = mkdtempSync(join(tmpdir(), 'flytectl-plane-'))
  const dataDir = join(root, 'data')
  const {startServer} = await import('../../src/controlplane/server.js')
  const server = await startServer({port: 0, host: '127.0.0.1', dataDir, executor: opts.executor})
  const endpoint = `dns:///127.0.0.1:${server.port}`
  const configPath = join(root, 'config.yaml')
  writeFileSync(configPath, `admin:\n  endpoint: ${endpoint}\n  insecure: true\n`)
  return {
    endpoint,
    port: server.port,
    url: server.url,
    dataDir,
    configPath,
    async stop() {
      await server.close()
      rmSync(root, {recursive: true, force: true})
    },
  }
}
