import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {BranchError, decideBranch, evaluateBooleanExpression} from '../../../src/controlplane/executor/conditions.js'
import {
  BooleanExpressionSchema,
  ComparisonExpressionSchema,
  ComparisonExpression_Operator as Op,
  ConjunctionExpressionSchema,
  ConjunctionExpression_LogicalOperator as Logic,
  OperandSchema,
  type BooleanExpression,
} from '../../../src/gen/flyteidl/core/condition_pb.js'
import {PrimitiveSchema} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {ErrorSchema} from '../../../src/gen/flyteidl/core/types_pb.js'
import {IfBlockSchema, IfElseBlockSchema, NodeSchema} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {bool, float, int, map, none, str} from './helpers.js'

const v = (name: string) => create(OperandSchema, {val: {case: 'var', value: name}})
const i = (n: number) =>
  create(OperandSchema, {
    val: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'integer', value: BigInt(n)}})},
  })
const cmp = (l: ReturnType<typeof v>, op: Op, r: ReturnType<typeof v>): BooleanExpression =>
  create(BooleanExpressionSchema, {
    expr: {case: 'comparison', value: create(ComparisonExpressionSchema, {leftValue: l, operator: op, rightValue: r})},
  })
const and = (a: BooleanExpression, b: BooleanExpression, op = Logic.AND): BooleanExpression =>
  create(BooleanExpressionSchema, {
    expr: {
      case: 'conjunction',
      value: create(ConjunctionExpressionSchema, {leftExpression: a, rightExpression: b, operator: op}),
    },
  })

const inputs = map({'.x': int(5), '.y': int(10), s: str('b'), f: float(1.5), flag: bool(true), nothing: none()})

describe('branch conditions', () => {
  it('compares integers, strings and floats with every operator', () => {
    assert.equal(evaluateBooleanExpression(cmp(v('.x'), Op.LT, v('.y')), inputs), true)
    assert.equal(evaluateBooleanExpression(cmp(v('.x'), Op.GTE, i(5)), inputs), true)
    assert.equal(evaluateBooleanExpression(cmp(v('.x'), Op.GT, i(5)), inputs), false)
    assert.equal(evaluateBooleanExpression(cmp(v('.x'), Op.LTE, i(4)), inputs), false)
    assert.equal(evaluateBooleanExpression(cmp(v('.x'), Op.NEQ, i(4)), inputs), true)
    assert.equal(evaluateBooleanExpression(cmp(v('s'), Op.EQ, v('s')), inputs), true)
    assert.equal(evaluateBooleanExpression(cmp(v('f'), Op.GT, v('f')), inputs), false)
  })

  it('combines with AND / OR', () => {
    const t = cmp(v('.x'), Op.EQ, i(5))
    const f = cmp(v('.x'), Op.EQ, i(6))
    assert.equal(evaluateBooleanExpression(and(t, f), inputs), false)
    assert.equal(evaluateBooleanExpression(and(t, f, Logic.OR), inputs), true)
  })

  it('treats None as equal only to None', () => {
    assert.equal(evaluateBooleanExpression(cmp(v('nothing'), Op.EQ, v('nothing')), inputs), true)
    assert.equal(evaluateBooleanExpression(cmp(v('nothing'), Op.EQ, v('.x')), inputs), false)
    assert.equal(evaluateBooleanExpression(cmp(v('nothing'), Op.NEQ, v('.x')), inputs), true)
    assert.throws(() => evaluateBooleanExpression(cmp(v('nothing'), Op.GT, v('.x')), inputs), /nil and non-nil/)
  })

  it('rejects mixed types, ordering on booleans and unknown variables', () => {
    assert.throws(() => evaluateBooleanExpression(cmp(v('.x'), Op.EQ, v('f')), inputs), /different primitives types/)
    assert.throws(
      () => evaluateBooleanExpression(cmp(v('flag'), Op.GT, v('flag')), inputs),
      /\[GT\] not defined for boolean/,
    )
    assert.throws(
      () => evaluateBooleanExpression(cmp(v('.z'), Op.EQ, i(1)), inputs),
      (e: unknown) => e instanceof BranchError && /Failed to find Value for Variable \[\.z\]/.test(e.message),
    )
  })

  it('picks the first true branch and reports the others as skipped', () => {
    const node = (id: string) => create(NodeSchema, {id})
    const ifElse = create(IfElseBlockSchema, {
      case: create(IfBlockSchema, {condition: cmp(v('.x'), Op.GT, i(100)), thenNode: node('n1-n0')}),
      other: [
        create(IfBlockSchema, {condition: cmp(v('.x'), Op.GT, i(1)), thenNode: node('n1-n1')}),
        create(IfBlockSchema, {condition: cmp(v('.x'), Op.GT, i(0)), thenNode: node('n1-n2')}),
      ],
      default: {case: 'elseNode', value: node('n1-n3')},
    })
    const d = decideBranch(ifElse, inputs)
    assert.equal(d.selected.id, 'n1-n1')
    assert.deepEqual(
      d.skipped.map((n) => n.id),
      ['n1-n0', 'n1-n2', 'n1-n3'],
    )
  })

  it('falls to else, or fails with the else-error message', () => {
    const never = cmp(v('.x'), Op.GT, i(100))
    const withElse = create(IfElseBlockSchema, {
      case: create(IfBlockSchema, {condition: never, thenNode: create(NodeSchema, {id: 'a'})}),
      default: {case: 'elseNode', value: create(NodeSchema, {id: 'b'})},
    })
    assert.equal(decideBranch(withElse, inputs).selected.id, 'b')
    const withError = create(IfElseBlockSchema, {
      case: create(IfBlockSchema, {condition: never, thenNode: create(NodeSchema, {id: 'a'})}),
      default: {case: 'error', value: create(ErrorSchema, {failedNodeId: 'n1', message: 'x is too small'})},
    })
    assert.throws(
      () => decideBranch(withError, inputs),
      (e: unknown) => e instanceof BranchError && e.code === 'UserProvidedError' && e.message === 'x is too small',
    )
    const noElse = create(IfElseBlockSchema, {
      case: create(IfBlockSchema, {condition: never, thenNode: create(NodeSchema, {id: 'a'})}),
    })
    assert.throws(() => decideBranch(noElse, inputs), /No branch satisfied/)
  })
})
