/**
 * A real Apache Kafka broker for tests: the jars scripts/setup-kafka.sh copies from Maven Central into
 * .tools/kafka/libs, run on the machine's Java as a single-node KRaft cluster (broker and controller in
 * one process) on free loopback ports, its storage formatted in a temp dir; killed and removed after.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {REPO_ROOT} from './cli.js'
import {freePort} from './net.js'

export const KAFKA_LIBS = join(REPO_ROOT, '.tools', 'kafka', 'libs')

const haveJava = () => spawnSync('java', ['-version'], {stdio: 'ignore'}).status === 0

function haveJars(): boolean {
  return existsSync(KAFKA_LIBS) && readdirSync(KAFKA_LIBS).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))
}

/** Skip only where Java or Maven is absent: with both on a CI machine, missing jars are a failed install. */
export function kafkaSkipReason(): string | false {
  if (haveJava() && haveJars()) return false
  const haveMvn = spawnSync('mvn', ['-v'], {stdio: 'ignore'}).status === 0
  if (process.env.CI && haveJava() && haveMvn) return false
  return haveJava()
    ? 'the Kafka jars are missing: run scripts/setup-kafka.sh (it needs mvn to fetch them from Maven Central)'
    : 'no java on PATH: the Kafka broker runs on Java 17+'
}

export interface KafkaBroker {
  /** `127.0.0.1:<port>` */
  broker: string
  stop(): Promise<void>
}

const JAVA_OPTS = ['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true']

export async function startKafka(): Promise<KafkaBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'flytectl-kafka-'))
  const [port, controllerPort] = [await freePort(), await freePort()]
  const props = join(dir, 'server.properties')
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${join(dir, 'logs')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      '',
    ].join('\n'),
  )
  const cp = `${KAFKA_LIBS}/*`
  const clusterId = randomBytes(16).toString('base64url')
  const format = spawnSync(
    'java',
    [...JAVA_OPTS, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props],
    {
      encoding: 'utf8',
    },
  )
  if (format.status !== 0) {
    rmSync(dir, {recursive: true, force: true})
    throw new Error(`kafka storage format failed: ${format.stderr || format.stdout}`)
  }
  const child: ChildProcess = spawn('java', [...JAVA_OPTS, '-cp', cp, 'kafka.Kafka', props], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
    rmSync(dir, {recursive: true, force: true})
  }
  const broker = `127.0.0.1:${port}`
  // Ready = a client gets cluster metadata with this broker in it.
  const admin = new Kafka({
    clientId: 'ready-check',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    retry: {retries: 0},
  }).admin()
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`kafka exited (${child.exitCode}): ${stderr}`)
    }
    try {
      await admin.connect()
      const {brokers} = await admin.describeCluster()
      await admin.disconnect()
      if (brokers.length > 0) break
    } catch {
      await admin.disconnect().catch(() => {})
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`kafka did not become ready: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return {broker, stop}
}
