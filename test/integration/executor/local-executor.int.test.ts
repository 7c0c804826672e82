/**
 * The local executor end to end on this machine: real subprocesses (the pinned node running
 * fixtures/task.js), real inputs.pb/outputs.pb files in a temp blob store, events recorded by a sink.
 */
import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {after, before, describe, it} from 'node:test'
import {create, fromBinary} from '@bufbuild/protobuf'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import type {ExecutionJob, ExecutionSink} from '../../../src/controlplane/executor/types.js'
import {
  BooleanExpressionSchema,
  ComparisonExpressionSchema,
  ComparisonExpression_Operator,
  OperandSchema,
} from '../../../src/gen/flyteidl/core/condition_pb.js'
import {CatalogCacheStatus} from '../../../src/gen/flyteidl/core/catalog_pb.js'
import {CompiledWorkflowSchema} from '../../../src/gen/flyteidl/core/compiler_pb.js'
import {
  NodeExecution_Phase as NP,
  TaskExecution_Phase as TP,
  WorkflowExecution_Phase as WP,
} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {
  BindingDataSchema,
  LiteralMapSchema,
  PrimitiveSchema,
  ScalarSchema,
} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {DataLoadingConfigSchema, DataLoadingConfig_LiteralMapFormat} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {
  WorkflowMetadataSchema,
  WorkflowMetadata_OnFailurePolicy,
  ArrayNode_DataMode,
  ArrayNodeSchema,
  BranchNodeSchema,
  IfBlockSchema,
  IfElseBlockSchema,
  NodeSchema,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import type {
  NodeExecutionEvent,
  TaskExecutionEvent,
  WorkflowExecutionEvent,
} from '../../../src/gen/flyteidl/event/event_pb.js'
import {bind, int, intOf, list, map, promise} from '../../unit/executor/helpers.js'
import {closure, ident, job, nodeTask, taskNode} from './workflows.js'

class RecordingSink implements ExecutionSink {
  workflow: WorkflowExecutionEvent[] = []
  nodes: NodeExecutionEvent[] = []
  tasks: TaskExecutionEvent[] = []
  private waiters: Array<() => void> = []
  async workflowEvent(e: WorkflowExecutionEvent) {
    this.workflow.push(e)
    this.wake()
  }
  async nodeEvent(e: NodeExecutionEvent) {
    this.nodes.push(e)
    this.wake()
  }
  async taskEvent(e: TaskExecutionEvent) {
    this.tasks.push(e)
    this.wake()
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w()
  }
  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for events')
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 100)
      })
    }
  }
  nodePhases(nodeId: string): string[] {
    return this.nodes.filter((e) => e.id?.nodeId === nodeId).map((e) => NP[e.phase])
  }
  last(): WorkflowExecutionEvent {
    return this.workflow.at(-1)!
  }
}

/** The workflow's error message, for assertion messages. */
const why = (sink: RecordingSink) => {
  const r = sink.last().outputResult
  return r.case === 'error' ? r.value.message : String(r.case)
}

const outputsOf = (e: WorkflowExecutionEvent) => {
  assert.equal(e.outputResult.case, 'outputUri', 'workflow reports an output URI')
  return fromBinary(LiteralMapSchema, readFileSync(fileURLToPath(e.outputResult.value as string)))
}

describe('local executor', () => {
  let dataDir: string
  let executor: LocalExecutor
  const logs: string[] = []

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'flytectl-exec-'))
    executor = new LocalExecutor({log: (l) => logs.push(l)})
  })
  after(async () => {
    await executor.close()
    rmSync(dataDir, {recursive: true, force: true})
  })

  async function run(j: ExecutionJob): Promise<RecordingSink> {
    const sink = new RecordingSink()
    executor.start(j, sink)
    await executor.wait(j.execution.id!)
    return sink
  }

  it('runs a two-task workflow to SUCCEEDED with outputs, node and task events, and logs', async () => {
    const add = nodeTask('add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
    const double = nodeTask('double', 'double', {inputs: ['x'], outputs: ['o0']})
    const wf = closure(
      'pipeline',
      [
        taskNode('n0', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))]),
        taskNode('n1', double, [bind('x', promise('n0', 'o0'))]),
      ],
      [bind('result', promise('n1', 'o0'))],
      [add, double],
      {inputs: ['a', 'b'], outputs: ['result']},
    )
    const sink = await run(job(dataDir, wf, map({a: int(3), b: int(4)})))
    assert.deepEqual(
      sink.workflow.map((e) => WP[e.phase]),
      ['RUNNING', 'SUCCEEDED'],
    )
    assert.equal(intOf(outputsOf(sink.last()).literals.result), 14n)
    assert.deepEqual(sink.nodePhases('start-node'), ['SUCCEEDED'])
    assert.deepEqual(sink.nodePhases('n0'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    assert.deepEqual(sink.nodePhases('n1'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    assert.deepEqual(sink.nodePhases('end-node'), ['SUCCEEDED'])
    // n1 started only after n0 finished.
    const n0Done = sink.nodes.findIndex((e) => e.id?.nodeId === 'n0' && e.phase === NP.SUCCEEDED)
    const n1Start = sink.nodes.findIndex((e) => e.id?.nodeId === 'n1' && e.phase === NP.QUEUED)
    assert.ok(n0Done < n1Start)
    // Node n1's recorded inputs are n0's output.
    const n1Queued = sink.nodes.find((e) => e.id?.nodeId === 'n1' && e.phase === NP.QUEUED)!
    assert.equal(n1Queued.inputValue.case, 'inputUri')
    const n1Inputs = fromBinary(LiteralMapSchema, readFileSync(fileURLToPath(n1Queued.inputValue.value as string)))
    assert.equal(intOf(n1Inputs.literals.x), 7n)
    const t0 = sink.tasks.filter((e) => e.parentNodeExecutionId?.nodeId === 'n0').map((e) => TP[e.phase])
    assert.deepEqual(t0, ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    const running = sink.tasks.find((e) => e.parentNodeExecutionId?.nodeId === 'n0' && e.phase === TP.RUNNING)!
    assert.equal(running.retryAttempt, 0)
    assert.equal(running.taskId?.name, 'add')
    assert.ok(running.occurredAt, 'events carry timestamps')
    const logUri = running.logs[0]!.uri
    assert.match(logUri, /^file:\/\/.*\/logs\/flytesnacks\/development\/.+\/n0\/0\.log$/)
    const logText = readFileSync(fileURLToPath(logUri), 'utf8')
    assert.match(logText, /task add attempt 0 in /)
    assert.match(
      logText,
      /cwd .*\/work\/flytesnacks\/development\/[^/]+\/n0\/0\n/,
      'each attempt has its own working dir',
    )
  })

  it('retries a failing task and fails the execution after retries+1 attempts', async () => {
    const flaky = nodeTask('flaky', 'flaky', {inputs: ['succeed_on'], outputs: ['o0'], retries: 2})
    const wf = closure(
      'retrying',
      [taskNode('n0', flaky, [bind('succeed_on', promise('start-node', 'k'))])],
      [],
      [flaky],
    )
    const sink = await run(job(dataDir, wf, map({k: int(99)})))
    assert.equal(WP[sink.last().phase], 'FAILED')
    const terminal = sink.tasks.filter((e) => e.phase === TP.RETRYABLE_FAILED || e.phase === TP.FAILED)
    assert.deepEqual(
      terminal.map((e) => [e.retryAttempt, TP[e.phase]]),
      [
        [0, 'RETRYABLE_FAILED'],
        [1, 'RETRYABLE_FAILED'],
        [2, 'FAILED'],
      ],
    )
    const err = sink.last().outputResult
    assert.ok(err.case === 'error')
    assert.match(err.value.message, /\[3\/3\] currentAttempt done\. Last Error: task \[flaky\] exited with code 3/)
    // Each attempt has its own log.
    for (const a of [0, 1, 2]) {
      const ev = sink.tasks.find((e) => e.retryAttempt === a && e.phase === TP.RUNNING)!
      assert.match(readFileSync(fileURLToPath(ev.logs[0]!.uri), 'utf8'), new RegExp(`failing attempt ${a}`))
    }
  })

  it('succeeds on a later attempt when the task recovers', async () => {
    const flaky = nodeTask('flaky2', 'flaky', {inputs: ['succeed_on'], outputs: ['o0'], retries: 3})
    const wf = closure(
      'recovering',
      [taskNode('n0', flaky, [bind('succeed_on', promise('start-node', 'k'))])],
      [bind('o', promise('n0', 'o0'))],
      [flaky],
    )
    const sink = await run(job(dataDir, wf, map({k: int(1)})))
    assert.equal(WP[sink.last().phase], 'SUCCEEDED')
    assert.equal(intOf(outputsOf(sink.last()).literals.o), 1n)
  })

  it('does not retry an error.pb marked non-recoverable, and reports its message', async () => {
    const t = nodeTask('bad', 'user-error', {retries: 3})
    const sink = await run(job(dataDir, closure('bad', [taskNode('n0', t, [])], [], [t]), map({})))
    assert.equal(WP[sink.last().phase], 'FAILED')
    assert.equal(sink.tasks.filter((e) => e.phase === TP.RUNNING).length, 1)
    const e = sink.last().outputResult
    assert.ok(e.case === 'error' && /x must be positive/.test(e.value.message) && e.value.code === 'ValueError')
  })

  it('fails clearly when the task command does not exist here', async () => {
    const t = nodeTask('img', '', {
      command: ['pyflyte-definitely-missing'],
      args: ['--inputs', '{{.input}}'],
      retries: 2,
    })
    const sink = await run(job(dataDir, closure('img', [taskNode('n0', t, [])], [], [t]), map({})))
    assert.equal(WP[sink.last().phase], 'FAILED')
    const e = sink.last().outputResult
    assert.ok(e.case === 'error')
    assert.match(
      e.value.message,
      /command \[pyflyte-definitely-missing\] not found .*image \[example\.com\/task:v1\].*FLYTECTL_DEMO_PATH/,
    )
    assert.match(e.value.message, /restart the control plane .*`flytectl demo start --restart`/)
    assert.equal(sink.tasks.filter((x) => x.phase === TP.RUNNING).length, 1, 'not retried')
  })

  it('finds commands through FLYTECTL_DEMO_PATH', async () => {
    const bin = join(dataDir, 'demo-bin')
    mkdirSync(bin, {recursive: true})
    const tool = join(bin, 'my-flyte-tool')
    writeFileSync(tool, `#!/bin/sh\nexec "${process.execPath}" "$@"\n`)
    chmodSync(tool, 0o755)
    const t = nodeTask('viaenv', 'double', {
      inputs: ['x'],
      outputs: ['o0'],
      command: [
        'my-flyte-tool',
        join(import.meta.dirname, 'fixtures', 'task.js'),
        'double',
        '{{.input}}',
        '{{.outputPrefix}}',
      ],
    })
    const ex = new LocalExecutor({env: {...process.env, FLYTECTL_DEMO_PATH: bin}})
    const sink = new RecordingSink()
    const j = job(
      dataDir,
      closure(
        'viaenv',
        [taskNode('n0', t, [bind('x', promise('start-node', 'x'))])],
        [bind('y', promise('n0', 'o0'))],
        [t],
      ),
      map({x: int(21)}),
    )
    ex.start(j, sink)
    await ex.wait(j.execution.id!)
    await ex.close()
    assert.equal(WP[sink.last().phase], 'SUCCEEDED')
    assert.equal(intOf(outputsOf(sink.last()).literals.y), 42n)
  })

  it('stops a task at its timeout and retries it as a retryable failure', async () => {
    const t = nodeTask('slow', 'sleep', {timeoutMs: 300, retries: 1})
    const t0 = Date.now()
    const sink = await run(job(dataDir, closure('slow', [taskNode('n0', t, [])], [], [t]), map({})))
    assert.ok(Date.now() - t0 < 10_000, 'the 30 s task was stopped')
    assert.equal(WP[sink.last().phase], 'FAILED')
    assert.deepEqual(
      sink.tasks.filter((e) => e.phase >= TP.ABORTED && e.phase !== TP.INITIALIZING).map((e) => TP[e.phase]),
      ['RETRYABLE_FAILED', 'FAILED'],
    )
    assert.match(why(sink), /\[2\/2\] currentAttempt done\. Last Error: task \[slow\] exceeded its timeout of 0\.3s/)
  })

  it('fail-fast aborts running siblings; fail-after-executable-nodes lets them finish', async () => {
    const bad = nodeTask('bad2', 'user-error')
    const nap = nodeTask('nap', 'nap')
    const build = (policy: WorkflowMetadata_OnFailurePolicy) => {
      const wf = closure('policy', [taskNode('n0', bad, []), taskNode('n1', nap, [])], [], [bad, nap])
      wf.primary!.template!.metadata = create(WorkflowMetadataSchema, {onFailure: policy})
      return wf
    }
    const fast = await run(job(dataDir, build(WorkflowMetadata_OnFailurePolicy.FAIL_IMMEDIATELY), map({})))
    assert.equal(WP[fast.last().phase], 'FAILED')
    assert.deepEqual(fast.nodePhases('n1').slice(-1), ['ABORTED'])
    const patient = await run(
      job(dataDir, build(WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE), map({})),
    )
    assert.equal(WP[patient.last().phase], 'FAILED')
    assert.match(why(patient), /x must be positive/)
    assert.deepEqual(patient.nodePhases('n1').slice(-1), ['SUCCEEDED'])
  })

  it('runs the failure node with the error after a failure, and the workflow stays FAILED', async () => {
    const bad = nodeTask('bad3', 'user-error')
    const cleanup = nodeTask('cleanup', 'show-err', {inputs: ['err']})
    const wf = closure('with-cleanup', [taskNode('n0', bad, [])], [], [bad, cleanup])
    // flytekit binds `err: Optional[FlyteError] = None` to its None default; the error replaces it.
    wf.primary!.template!.failureNode = taskNode('fn0', cleanup, [
      bind(
        'err',
        create(BindingDataSchema, {
          value: {case: 'scalar', value: create(ScalarSchema, {value: {case: 'noneType', value: {}}})},
        }),
      ),
    ])
    const sink = await run(job(dataDir, wf, map({})))
    assert.deepEqual(
      sink.workflow.map((e) => WP[e.phase]),
      ['RUNNING', 'FAILING', 'FAILED'],
    )
    assert.match(why(sink), /x must be positive/)
    assert.deepEqual(sink.nodePhases('fn0'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    const log = sink.tasks.find((e) => e.parentNodeExecutionId?.nodeId === 'fn0' && e.phase === TP.RUNNING)!.logs[0]!
    assert.match(readFileSync(fileURLToPath(log.uri), 'utf8'), /failure node saw: n0 x must be positive/)
  })

  it('serves a cached task from the local catalog on the second run with the same inputs', async () => {
    const add = nodeTask('cached_add', 'add', {inputs: ['a', 'b'], outputs: ['o0'], cacheVersion: '1'})
    const wf = closure(
      'cached',
      [taskNode('n0', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))])],
      [bind('o', promise('n0', 'o0'))],
      [add],
    )
    const cacheStatus = (sink: RecordingSink) => {
      const e = sink.nodes.find((x) => x.id?.nodeId === 'n0' && x.phase === NP.SUCCEEDED)!
      return e.targetMetadata.case === 'taskNodeMetadata' ? CatalogCacheStatus[e.targetMetadata.value.cacheStatus] : ''
    }
    const first = await run(job(dataDir, wf, map({a: int(20), b: int(22)})))
    assert.equal(cacheStatus(first), 'CACHE_POPULATED')
    const second = await run(job(dataDir, wf, map({a: int(20), b: int(22)})))
    assert.equal(WP[second.last().phase], 'SUCCEEDED')
    assert.equal(cacheStatus(second), 'CACHE_HIT')
    assert.equal(intOf(outputsOf(second.last()).literals.o), 42n)
    assert.equal(second.tasks.length, 0, 'a cache hit runs no task')
    const other = await run(job(dataDir, wf, map({a: int(1), b: int(1)})))
    assert.equal(cacheStatus(other), 'CACHE_POPULATED')
    assert.equal(intOf(outputsOf(other.last()).literals.o), 2n)
  })

  it('kills the task and reports ABORTED when terminated', async () => {
    const t = nodeTask('sleepy', 'sleep')
    const j = job(dataDir, closure('sleepy', [taskNode('n0', t, [])], [], [t]), map({}))
    const sink = new RecordingSink()
    const started = Date.now()
    executor.start(j, sink)
    await sink.until(() => sink.tasks.some((e) => e.phase === TP.RUNNING))
    await executor.terminate(j.execution.id!, 'user asked')
    assert.ok(Date.now() - started < 10_000, 'terminate does not wait for the 30 s task')
    assert.equal(WP[sink.last().phase], 'ABORTED')
    assert.deepEqual(sink.nodePhases('n0').slice(-1), ['ABORTED'])
    assert.equal(TP[sink.tasks.at(-1)!.phase], 'ABORTED')
  })

  it('aborts an execution closed right after it started (before its task process exists)', async () => {
    const t = nodeTask('sleepy2', 'sleep')
    const ex = new LocalExecutor()
    const sink = new RecordingSink()
    const t0 = Date.now()
    ex.start(job(dataDir, closure('sleepy2', [taskNode('n0', t, [])], [], [t]), map({})), sink)
    await ex.close()
    assert.ok(Date.now() - t0 < 5000, 'close does not wait for the 30 s task')
    assert.equal(WP[sink.last().phase], 'ABORTED')
  })

  it('evaluates a branch on its inputs, runs the chosen node and skips the other', async () => {
    const double = nodeTask('double', 'double', {inputs: ['x'], outputs: ['o0']})
    const add = nodeTask('add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
    const cond = create(BooleanExpressionSchema, {
      expr: {
        case: 'comparison',
        value: create(ComparisonExpressionSchema, {
          operator: ComparisonExpression_Operator.GT,
          leftValue: create(OperandSchema, {val: {case: 'var', value: '.x'}}),
          rightValue: create(OperandSchema, {
            val: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'integer', value: 10n}})},
          }),
        }),
      },
    })
    const branch = create(NodeSchema, {
      id: 'n1',
      inputs: [bind('.x', promise('start-node', 'x'))],
      target: {
        case: 'branchNode',
        value: create(BranchNodeSchema, {
          ifElse: create(IfElseBlockSchema, {
            case: create(IfBlockSchema, {
              condition: cond,
              thenNode: taskNode('n1-n0', double, [bind('x', promise('start-node', 'x'))]),
            }),
            default: {
              case: 'elseNode',
              value: taskNode('n1-n1', add, [
                bind('a', promise('start-node', 'x')),
                bind('b', promise('start-node', 'x')),
              ]),
            },
          }),
        }),
      },
    })
    const wf = closure('branchy', [branch], [bind('o', promise('n1', 'o0'))], [double, add])
    const big = await run(job(dataDir, wf, map({x: int(50)})))
    assert.equal(WP[big.last().phase], 'SUCCEEDED')
    assert.equal(intOf(outputsOf(big.last()).literals.o), 100n)
    assert.deepEqual(big.nodePhases('n1-0-n1-n0'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    assert.deepEqual(big.nodePhases('n1-0-n1-n1'), ['SKIPPED'])
    const child = big.nodes.find((e) => e.id?.nodeId === 'n1-0-n1-n0')!
    assert.equal(child.parentNodeMetadata?.nodeId, 'n1')
    assert.equal(big.nodes.find((e) => e.id?.nodeId === 'n1')!.isParent, true)
    const small = await run(job(dataDir, wf, map({x: int(2)})))
    assert.equal(intOf(outputsOf(small.last()).literals.o), 4n)
    assert.deepEqual(small.nodePhases('n1-0-n1-n0'), ['SKIPPED'])
  })

  it('maps a task over a list (array node) and collects its outputs in order', async () => {
    const double = nodeTask('double', 'double', {inputs: ['x'], outputs: ['o0']})
    const arr = create(NodeSchema, {
      id: 'n0',
      inputs: [bind('x', promise('start-node', 'xs'))],
      target: {
        case: 'arrayNode',
        value: create(ArrayNodeSchema, {
          node: taskNode('n0', double, []),
          parallelismOption: {case: 'parallelism', value: 2},
          dataMode: ArrayNode_DataMode.INDIVIDUAL_INPUT_FILES,
        }),
      },
    })
    const sink = await run(
      job(
        dataDir,
        closure('mapped', [arr], [bind('ys', promise('n0', 'o0'))], [double]),
        map({xs: list(int(1), int(2), int(3))}),
      ),
    )
    assert.equal(WP[sink.last().phase], 'SUCCEEDED')
    const ys = outputsOf(sink.last()).literals.ys!
    assert.ok(ys.value.case === 'collection')
    assert.deepEqual(ys.value.value.literals.map(intOf), [2n, 4n, 6n])
    const arrayQueued = sink.nodes.find((e) => e.id?.nodeId === 'n0')!
    assert.equal(arrayQueued.isArray, true)
    assert.equal(arrayQueued.isParent, false, 'flytekit 1.16 cannot sync an array node marked parent')
    for (const i of [0, 1, 2]) assert.deepEqual(sink.nodePhases(`n0-0-${i}`), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
  })

  it('gives map-task items the whole input file and their index, as flytekit map tasks expect', async () => {
    const mapped = nodeTask('mapped_double', 'double-indexed', {outputs: ['o0']})
    const arr = create(NodeSchema, {
      id: 'n0',
      inputs: [bind('x', promise('start-node', 'xs'))],
      target: {
        case: 'arrayNode',
        value: create(ArrayNodeSchema, {node: taskNode('n0', mapped, []), isOriginalSubNodeInterface: false}),
      },
    })
    const sink = await run(
      job(
        dataDir,
        closure('mapped2', [arr], [bind('ys', promise('n0', 'o0'))], [mapped]),
        map({xs: list(int(5), int(7))}),
      ),
    )
    assert.equal(WP[sink.last().phase], 'SUCCEEDED', why(sink))
    const ys = outputsOf(sink.last()).literals.ys!
    assert.ok(ys.value.case === 'collection')
    assert.deepEqual(ys.value.value.literals.map(intOf), [10n, 14n])
  })

  it('runs a sub-workflow node with its own child node executions', async () => {
    const double = nodeTask('double', 'double', {inputs: ['x'], outputs: ['o0']})
    const subId = ident(ResourceType.WORKFLOW, 'inner')
    const inner = create(CompiledWorkflowSchema, {
      template: create(WorkflowTemplateSchema, {
        id: subId,
        nodes: [taskNode('n0', double, [bind('x', promise('start-node', 'v'))])],
        outputs: [bind('w', promise('n0', 'o0'))],
      }),
    })
    const wfNode = create(NodeSchema, {
      id: 'n0',
      inputs: [bind('v', promise('start-node', 'x'))],
      target: {
        case: 'workflowNode',
        value: create(WorkflowNodeSchema, {reference: {case: 'subWorkflowRef', value: subId}}),
      },
    })
    const second = taskNode('n1', double, [bind('x', promise('n0', 'w'))])
    const wf = closure('outer', [wfNode, second], [bind('o', promise('n1', 'o0'))], [double], {}, [inner])
    const sink = await run(job(dataDir, wf, map({x: int(5)})))
    assert.equal(WP[sink.last().phase], 'SUCCEEDED')
    assert.equal(intOf(outputsOf(sink.last()).literals.o), 20n)
    assert.deepEqual(sink.nodePhases('n0-0-n0'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    assert.deepEqual(sink.nodePhases('n0-0-start-node'), ['SUCCEEDED'])
    assert.equal(sink.nodes.find((e) => e.id?.nodeId === 'n0')!.targetEntity?.name, 'inner')
  })

  it('runs a raw container through mapped input/output directories', async () => {
    const t = nodeTask('raw', '', {
      inputs: ['x'],
      outputs: ['y'],
      command: ['sh', '-c', 'echo $(( $(cat /var/inputs/x) + {{.inputs.x}} )) > /var/outputs/y'],
    })
    if (t.target.case === 'container') {
      t.target.value.dataConfig = create(DataLoadingConfigSchema, {
        enabled: true,
        inputPath: '/var/inputs',
        outputPath: '/var/outputs',
        format: DataLoadingConfig_LiteralMapFormat.JSON,
      })
    }
    const sink = await run(
      job(
        dataDir,
        closure(
          'raw',
          [taskNode('n0', t, [bind('x', promise('start-node', 'x'))])],
          [bind('y', promise('n0', 'y'))],
          [t],
        ),
        map({x: int(20)}),
      ),
    )
    assert.equal(WP[sink.last().phase], 'SUCCEEDED', why(sink))
    assert.equal(intOf(outputsOf(sink.last()).literals.y), 40n)
  })

  it('fails a raw container with declared outputs and no mapped output directory', async () => {
    const t = nodeTask('raw2', '', {outputs: ['y'], command: ['sh', '-c', 'echo 1 > /dev/null']})
    const sink = await run(job(dataDir, closure('raw2', [taskNode('n0', t, [])], [], [t]), map({})))
    const e = sink.last().outputResult
    assert.ok(e.case === 'error')
    assert.match(e.value.message, /declares outputs \[y\] but wrote no outputs\.pb/)
  })

  it('runs a dynamic workflow (futures.pb) as child nodes and takes its outputs', async () => {
    const t = nodeTask('fanout', 'fanout', {inputs: ['n', 'x'], outputs: ['o0']})
    const wf = closure(
      'dyn',
      [taskNode('n0', t, [bind('n', promise('start-node', 'n')), bind('x', promise('start-node', 'x'))])],
      [bind('y', promise('n0', 'o0'))],
      [t],
      {inputs: ['n', 'x'], outputs: ['y']},
    )
    const sink = await run(job(dataDir, wf, map({n: int(3), x: int(5)})))
    assert.equal(WP[sink.last().phase], 'SUCCEEDED', why(sink))
    assert.equal(intOf(outputsOf(sink.last()).literals.y), 40n)
    assert.deepEqual(sink.nodePhases('n0'), ['QUEUED', 'RUNNING', 'DYNAMIC_RUNNING', 'SUCCEEDED'])
    const dyn = sink.nodes.find((e) => NP[e.phase] === 'DYNAMIC_RUNNING')!
    assert.ok(dyn.isParent && dyn.isDynamic)
    assert.equal(dyn.targetMetadata.case, 'taskNodeMetadata')
    const meta = dyn.targetMetadata.value!.dynamicWorkflow!
    assert.equal(meta.id?.name, 'dynamic_n0')
    assert.match(meta.dynamicJobSpecUri, /\/n0\/data\/0\/futures\.pb$/)
    assert.deepEqual(
      meta.compiledWorkflow?.primary?.template?.nodes.map((n) => n.id),
      ['start-node', 'dn0', 'dn1', 'dn2', 'end-node'],
    )
    for (const child of ['n0-0-dn0', 'n0-0-dn1', 'n0-0-dn2']) {
      assert.deepEqual(sink.nodePhases(child), ['QUEUED', 'RUNNING', 'SUCCEEDED'], child)
      const e = sink.nodes.find((x) => x.id?.nodeId === child)!
      assert.equal(e.parentNodeMetadata?.nodeId, 'n0')
      assert.equal(e.specNodeId, child.slice('n0-0-'.length))
    }
    // The dynamic task itself ran once and succeeded.
    assert.deepEqual(
      sink.tasks.filter((e) => e.parentNodeExecutionId?.nodeId === 'n0').map((e) => TP[e.phase]),
      ['QUEUED', 'RUNNING', 'SUCCEEDED'],
    )
  })

  it('runs a dynamic workflow that runs another dynamic task', async () => {
    const t = nodeTask('nest', 'nest', {inputs: ['x'], outputs: ['o0']})
    const wf = closure(
      'nest',
      [taskNode('n0', t, [bind('x', promise('start-node', 'x'))])],
      [bind('y', promise('n0', 'o0'))],
      [t],
      {
        inputs: ['x'],
        outputs: ['y'],
      },
    )
    const sink = await run(job(dataDir, wf, map({x: int(1)})))
    assert.equal(WP[sink.last().phase], 'SUCCEEDED', why(sink))
    assert.equal(intOf(outputsOf(sink.last()).literals.y), 4n)
    assert.deepEqual(sink.nodePhases('n0-0-dn0'), ['QUEUED', 'RUNNING', 'DYNAMIC_RUNNING', 'SUCCEEDED'])
    assert.deepEqual(sink.nodePhases('n0-0-dn0-0-dn1'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
  })

  it('fails a dynamic node whose futures.pb cannot be read, naming the file', async () => {
    const t = nodeTask('bad', 'bad-future', {outputs: ['o0']})
    const sink = await run(job(dataDir, closure('bad', [taskNode('n0', t, [])], [], [t]), map({})))
    const e = sink.last().outputResult
    assert.ok(e.case === 'error')
    assert.equal(e.value.code, 'DynamicWorkflowBuildFailed')
    assert.match(e.value.message, /node \[n0\]: its dynamic job spec file:\/\/.*futures\.pb cannot be read/)
  })

  it('runs a single-task execution (no workflow closure)', async () => {
    const add = nodeTask('wf.add_two', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
    const sink = await run(job(dataDir, undefined, map({a: int(1), b: int(2)}), add))
    assert.equal(WP[sink.last().phase], 'SUCCEEDED')
    // FlyteAdmin's node id for a task: its name with only letters, digits and '-'.
    assert.deepEqual(sink.nodePhases('wfaddtwo'), ['QUEUED', 'RUNNING', 'SUCCEEDED'])
    assert.equal(intOf(outputsOf(sink.last()).literals.o0), 3n)
  })

  it('fails a launch-plan node clearly when no control plane is behind the executor', async () => {
    const lpNode = create(NodeSchema, {
      id: 'n0',
      target: {
        case: 'workflowNode',
        value: create(WorkflowNodeSchema, {
          reference: {case: 'launchplanRef', value: ident(ResourceType.LAUNCH_PLAN, 'child')},
        }),
      },
    })
    const sink = await run(job(dataDir, closure('lp', [lpNode], [], []), create(LiteralMapSchema, {})))
    const e = sink.last().outputResult
    assert.ok(e.case === 'error')
    assert.match(e.value.message, /node \[n0\] launches launch plan \[child\], which needs the control plane/)
    assert.deepEqual(logs, [], 'no sink failures were logged')
  })
})
