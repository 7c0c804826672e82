/**
 * The execution page's graph layout, imported from the browser sources: nested graphs drawn in
 * place — a sub-workflow from the closure's sub_workflows, a branch's cases (the one not taken
 * greyed), a dynamic node's compiled workflow — with edges rerouted into and out of them.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

interface Laid {
  id: string
  phase: string
  kind: string
  execId: string
  openable: boolean
  innerKind?: string
  x: number
  y: number
  width: number
  height: number
}
const SRC = new URL('../../../../src/console-web/', import.meta.url)
const {buildGraph} = (await import(new URL('graph.js', SRC).href)) as {
  buildGraph(o: {compiled: unknown; nodes?: unknown[]; open?: Set<string>; inner?: Record<string, unknown>}): {
    nodes: Laid[]
    clusters: Laid[]
    edges: {from: string; to: string}[]
  }
}

const ident = (name: string) => ({resource_type: 'WORKFLOW', project: 'p', domain: 'd', name, version: 'v1'})
const task = (id: string) => ({id, metadata: {name: `mod.${id}_task`}, task_node: {reference_id: {name: 't'}}})
const chain = (...ids: string[]) => ({
  downstream: Object.fromEntries(ids.slice(0, -1).map((id, i) => [id, {ids: [ids[i + 1]!]}])),
})
const se = [{id: 'start-node'}, {id: 'end-node'}]
const exec = (nodeId: string, phase: string, metadata: Record<string, unknown> = {}, spec = '') => ({
  id: {node_id: nodeId},
  closure: {phase},
  metadata: {...metadata, ...(spec ? {spec_node_id: spec} : {})},
})

const sub = {
  template: {id: ident('inner'), nodes: [...se, task('a')]},
  connections: chain('start-node', 'a', 'end-node'),
}
const compiled = {
  primary: {
    template: {
      id: ident('outer'),
      nodes: [
        ...se,
        {id: 'n0', workflow_node: {sub_workflow_ref: ident('inner')}},
        {
          id: 'n1',
          branch_node: {if_else: {case: {then_node: task('n1-a')}, else_node: task('n1-b')}},
        },
        task('n2'),
      ],
    },
    connections: {
      downstream: {'start-node': {ids: ['n0', 'n1']}, n0: {ids: ['n2']}, n1: {ids: ['n2']}, n2: {ids: ['end-node']}},
    },
  },
  sub_workflows: [sub],
}
const nodes = [
  exec('start-node', 'SUCCEEDED'),
  exec('n0', 'SUCCEEDED', {is_parent_node: true}),
  exec('n1', 'SUCCEEDED', {is_parent_node: true}),
  exec('n2', 'RUNNING', {is_dynamic: true, is_parent_node: true}),
]
const inner = {
  n0: {children: [exec('n0-0-start-node', 'SUCCEEDED', {}, 'start-node'), exec('n0-0-a', 'FAILED', {}, 'a')]},
  n1: {children: [exec('n1-0-n1-a', 'SKIPPED', {}, 'n1-a'), exec('n1-0-n1-b', 'SUCCEEDED', {}, 'n1-b')]},
  n2: {
    children: [exec('n2-0-d0', 'RUNNING', {}, 'd0')],
    dynamic: {
      primary: {
        template: {nodes: [...se, task('d0'), task('d1')]},
        connections: chain('start-node', 'd0', 'd1', 'end-node'),
      },
    },
  },
}

describe('console graph layout', () => {
  it('draws the top level with open controls on sub-workflow, branch and dynamic nodes', () => {
    const g = buildGraph({compiled, nodes, inner})
    assert.deepEqual(g.nodes.map((n) => n.id).sort(), ['end-node', 'n0', 'n1', 'n2', 'start-node'])
    assert.deepEqual(g.clusters, [])
    const openable = g.nodes.filter((n) => n.openable).map((n) => n.id)
    assert.deepEqual(openable.sort(), ['n0', 'n1', 'n2'])
    assert.equal(g.nodes.find((n) => n.id === 'end-node')!.phase, '', 'end not reached yet: not run')
  })

  it('opens a sub-workflow, a branch and a dynamic node in place, coloured by their children', () => {
    const g = buildGraph({compiled, nodes, inner, open: new Set(['n0', 'n1', 'n2'])})
    const by = new Map(g.nodes.map((n) => [n.id, n]))
    assert.deepEqual(
      g.clusters.map((c) => [c.id, c.innerKind, c.phase]),
      [
        ['n0', 'sub-workflow', 'SUCCEEDED'],
        ['n1', 'branch', 'SUCCEEDED'],
        ['n2', 'dynamic', 'RUNNING'],
      ],
    )
    assert.equal(by.get('n0/a')!.phase, 'FAILED')
    assert.equal(by.get('n0/a')!.execId, 'n0-0-a')
    assert.equal(by.get('n0/end-node')!.phase, '', 'inner end not reached')
    assert.equal(by.get('n1/n1-a')!.phase, 'SKIPPED', 'the case not taken')
    assert.equal(by.get('n1/n1-b')!.phase, 'SUCCEEDED')
    assert.equal(by.get('n2/d0')!.phase, 'RUNNING')
    assert.equal(by.get('n2/d1')!.phase, '', 'a dynamic child not started yet')
    // each inner node lies inside its cluster's box
    for (const c of g.clusters) {
      for (const n of g.nodes.filter((x) => x.id.startsWith(`${c.id}/`))) {
        assert.ok(Math.abs(n.x - c.x) <= c.width / 2 && Math.abs(n.y - c.y) <= c.height / 2, `${n.id} inside ${c.id}`)
      }
    }
    const edges = new Set(g.edges.map((e) => `${e.from}>${e.to}`))
    for (const e of [
      'start-node>n0/start-node', // into the sub-workflow's start
      'n0/end-node>n2/start-node', // out of its end, into the dynamic workflow's start
      'start-node>n1/n1-a', // into every case of the branch
      'start-node>n1/n1-b',
      'n1/n1-a>n2/start-node',
      'n2/end-node>end-node',
      'n2/d0>n2/d1',
    ])
      assert.ok(edges.has(e), `edge ${e} in ${[...edges].join(' ')}`)
    assert.ok(![...edges].some((e) => /(^|>)(n0|n1|n2)(>|$)/.test(e)), 'no edge ends on an open node')
  })

  it('opens nothing it cannot: a dynamic node before its workflow is read, an unknown sub-workflow', () => {
    const g = buildGraph({
      compiled: {...compiled, sub_workflows: []},
      nodes,
      inner: {n2: {children: []}},
      open: new Set(['n0', 'n2']),
    })
    assert.deepEqual(g.clusters, [])
    assert.equal(g.nodes.find((n) => n.id === 'n0')!.openable, false)
  })
})
