/**
 * Local executor benchmark, in one process (control plane + executor, as the demo daemon runs them):
 *  - dynamic fan-out: a dynamic task returning 100 independent task nodes;
 *  - map: an array node over 1,000 items;
 * each with `--max-tasks` 2 and 4 (the plane-wide cap on task processes). Tasks are the small node
 * program of the executor tests. Prints wall time, the peak of concurrent task processes (never above
 * the cap) and the peak RSS of this process.
 *
 *   npm run bench:executor
 *   npm run bench:executor -- 200 2000      # fan-out width, map size
 */
import {create} from '@bufbuild/protobuf'
import {createAdminClients} from '../src/admin/client.js'
import {LocalExecutor} from '../src/controlplane/executor/local.js'
import {WorkflowExecution_Phase as WP} from '../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType} from '../src/gen/flyteidl/core/identifier_pb.js'
import {ArrayNodeSchema, ArrayNode_DataMode, NodeSchema} from '../src/gen/flyteidl/core/workflow_pb.js'
import {startControlPlane} from '../test/support/controlplane.js'
import {bind, int, list, promise} from '../test/unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode} from '../test/integration/executor/workflows.js'

const FANOUT = Number(process.argv[2] ?? 100)
const MAP = Number(process.argv[3] ?? 1000)

async function run(label: string, maxTasks: number, shape: 'fanout' | 'map'): Promise<void> {
  const executor = new LocalExecutor({maxProcesses: maxTasks, log: () => {}})
  const plane = await startControlPlane({executor})
  const c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  let rss = process.memoryUsage().rss
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 50)
  try {
    await c.admin.registerProject({project: {id: 'flytesnacks', name: 'flytesnacks'}})
    const name = `bench.${shape}`
    let wf
    let inputs
    if (shape === 'fanout') {
      const spread = nodeTask('bench.spread', 'spread', {inputs: ['n', 'x'], outputs: ['o0']})
      const double = nodeTask('double', 'double', {inputs: ['x'], outputs: ['o0']})
      await c.admin.createTask({id: spread.id, spec: {template: spread}})
      await c.admin.createTask({id: double.id, spec: {template: double}})
      wf = closure(
        name,
        [taskNode('n0', spread, [bind('n', promise('start-node', 'n')), bind('x', promise('start-node', 'x'))])],
        [],
        [spread],
        {
          inputs: ['n', 'x'],
        },
      )
      inputs = {n: int(FANOUT), x: int(3)}
    } else {
      const double = nodeTask('bench.double', 'double-indexed', {inputs: ['x'], outputs: ['o0']})
      await c.admin.createTask({id: double.id, spec: {template: double}})
      const arrayNode = create(NodeSchema, {
        id: 'n0',
        inputs: [bind('x', promise('start-node', 'xs'))],
        target: {
          case: 'arrayNode',
          value: create(ArrayNodeSchema, {
            node: taskNode('n0', double, []),
            dataMode: ArrayNode_DataMode.SINGLE_INPUT_FILE,
          }),
        },
      })
      wf = closure(name, [arrayNode], [], [double], {inputs: ['xs']})
      inputs = {xs: list(...Array.from({length: MAP}, (_, i) => int(i)))}
    }
    const wfId = ident(ResourceType.WORKFLOW, name)
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    const lp = ident(ResourceType.LAUNCH_PLAN, name)
    await c.admin.createLaunchPlan({id: lp, spec: {workflowId: wfId}})
    const t0 = performance.now()
    const {id} = await c.admin.createExecution({
      project: 'flytesnacks',
      domain: 'development',
      spec: {launchPlan: lp},
      inputs: {literals: inputs},
    })
    let phase = WP.UNDEFINED
    for (;;) {
      phase = (await c.admin.getExecution({id})).closure?.phase ?? WP.UNDEFINED
      if ([WP.SUCCEEDED, WP.FAILED, WP.ABORTED].includes(phase)) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const secs = (performance.now() - t0) / 1000
    console.log(
      `${label.padEnd(22)} --max-tasks ${maxTasks}: ${WP[phase]} in ${secs.toFixed(1)} s, ` +
        `peak ${executor.peakProcesses} task processes, peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`,
    )
  } finally {
    clearInterval(sampler)
    c.close()
    await plane.stop()
  }
}

for (const max of [2, 4]) await run(`dynamic fan-out ${FANOUT}`, max, 'fanout')
for (const max of [2, 4]) await run(`map over ${MAP} items`, max, 'map')
