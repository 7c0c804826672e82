import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {
  NodeExecutionPhase,
  TaskExecutionPhase,
  WorkflowExecutionPhase,
  nodePhaseName,
  taskPhaseName,
  workflowPhaseName,
} from '../../../src/cluster/phases.js'

/** name → number of a generated (TypeScript) numeric enum, without its reverse mapping. */
const members = (e: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === 'number'))

describe('phase constants', () => {
  const pairs = [
    ['WorkflowExecution.Phase', WorkflowExecutionPhase, WorkflowExecution_Phase, workflowPhaseName],
    ['NodeExecution.Phase', NodeExecutionPhase, NodeExecution_Phase, nodePhaseName],
    ['TaskExecution.Phase', TaskExecutionPhase, TaskExecution_Phase, taskPhaseName],
  ] as const

  it('are the generated enums, value for value', () => {
    for (const [name, local, generated] of pairs) assert.deepEqual({...local}, members(generated), name)
  })

  it('name a phase as the generated enum does, and an unknown number not at all', () => {
    for (const [name, local, generated, phaseName] of pairs) {
      const nameOf = phaseName as (p: number) => string | undefined
      for (const n of [...Object.values(local), -1, 99]) assert.equal(nameOf(n), generated[n], `${name} ${n}`)
    }
  })
})
