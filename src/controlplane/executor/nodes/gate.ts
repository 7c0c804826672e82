/** Gate nodes: a sleep gate succeeds after its duration. */
import {create} from '@bufbuild/protobuf'
import {durationMs} from '@bufbuild/protobuf/wkt'
import {LiteralMapSchema} from '../../../gen/flyteidl/core/literals_pb.js'
import {sleep, userError} from '../outcome.js'
import type {NodeKind} from './context.js'

export const gateNode: NodeKind = {
  async run(_ctx, {ref, signal}) {
    const {node} = ref
    if (node.target.case !== 'gateNode') throw new Error('not a gate node')
    const c = node.target.value.condition
    if (c.case === 'sleep') {
      const ms = c.value.duration ? durationMs(c.value.duration) : 0
      const slept = await sleep(ms, signal)
      return slept ? {phase: 'succeeded', outputs: create(LiteralMapSchema, {literals: {}})} : {phase: 'aborted'}
    }
    return {
      phase: 'failed',
      error: userError(
        'UnsupportedNode',
        `gate node [${node.id}] waits for ${c.case === 'approve' ? 'an approval' : 'a signal'}; signals are not supported by the local executor`,
      ),
    }
  },
}
