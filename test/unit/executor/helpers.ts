/** Small builders for flyteidl literals, bindings and nodes used by the executor tests. */
import {create} from '@bufbuild/protobuf'
import {
  BindingDataSchema,
  BindingSchema,
  LiteralCollectionSchema,
  LiteralMapSchema,
  LiteralSchema,
  PrimitiveSchema,
  ScalarSchema,
  type BindingData,
  type Literal,
  type LiteralMap,
} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {OutputReferenceSchema, PromiseAttributeSchema} from '../../../src/gen/flyteidl/core/types_pb.js'

export const int = (n: number | bigint): Literal =>
  create(LiteralSchema, {
    value: {
      case: 'scalar',
      value: create(ScalarSchema, {
        value: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'integer', value: BigInt(n)}})},
      }),
    },
  })

export const float = (n: number): Literal =>
  create(LiteralSchema, {
    value: {
      case: 'scalar',
      value: create(ScalarSchema, {
        value: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'floatValue', value: n}})},
      }),
    },
  })

export const str = (s: string): Literal =>
  create(LiteralSchema, {
    value: {
      case: 'scalar',
      value: create(ScalarSchema, {
        value: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'stringValue', value: s}})},
      }),
    },
  })

export const bool = (b: boolean): Literal =>
  create(LiteralSchema, {
    value: {
      case: 'scalar',
      value: create(ScalarSchema, {
        value: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'boolean', value: b}})},
      }),
    },
  })

export const none = (): Literal =>
  create(LiteralSchema, {value: {case: 'scalar', value: create(ScalarSchema, {value: {case: 'noneType', value: {}}})}})

export const list = (...items: Literal[]): Literal =>
  create(LiteralSchema, {value: {case: 'collection', value: create(LiteralCollectionSchema, {literals: items})}})

export const map = (literals: Record<string, Literal>): LiteralMap => create(LiteralMapSchema, {literals})

export const promise = (nodeId: string, v: string, ...path: Array<string | number>): BindingData =>
  create(BindingDataSchema, {
    value: {
      case: 'promise',
      value: create(OutputReferenceSchema, {
        nodeId,
        var: v,
        attrPath: path.map((p) =>
          create(PromiseAttributeSchema, {
            value: typeof p === 'string' ? {case: 'stringValue', value: p} : {case: 'intValue', value: p},
          }),
        ),
      }),
    },
  })

export const bind = (v: string, binding: BindingData) => create(BindingSchema, {var: v, binding})

/** The integer inside a literal (throws if it is not one). */
export function intOf(l: Literal | undefined): bigint {
  if (l?.value.case === 'scalar' && l.value.value.value.case === 'primitive') {
    const p = l.value.value.value.value
    if (p.value.case === 'integer') return p.value.value
  }
  throw new Error('not an integer literal')
}
