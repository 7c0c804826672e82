/**
 * Branch-node conditions, evaluated on the branch node's resolved inputs with the engine's rules:
 * only primitives (or None) compare, both sides must be the same primitive kind, booleans support
 * only EQ/NEQ, datetimes and durations compare by whole seconds. Pure; no I/O.
 */
import type {BooleanExpression, ComparisonExpression, Operand} from '../../gen/flyteidl/core/condition_pb.js'
import {
  ComparisonExpression_Operator,
  ConjunctionExpression_LogicalOperator,
} from '../../gen/flyteidl/core/condition_pb.js'
import type {Literal, LiteralMap, Primitive} from '../../gen/flyteidl/core/literals_pb.js'
import type {IfElseBlock, Node} from '../../gen/flyteidl/core/workflow_pb.js'

export class BranchError extends Error {
  override name = 'BranchError'
  constructor(
    message: string,
    /** `MalformedBranchUserError` or `UserProvidedError` (an `else: fail` branch), as the engine names them. */
    readonly code: 'MalformedBranchUserError' | 'UserProvidedError' = 'MalformedBranchUserError',
  ) {
    super(message)
  }
}

/** A resolved operand: a primitive, or null for None. */
type Value = Primitive | null

export function evaluateBooleanExpression(expr: BooleanExpression | undefined, inputs: LiteralMap): boolean {
  switch (expr?.expr.case) {
    case 'comparison':
      return evaluateComparison(expr.expr.value, inputs)
    case 'conjunction': {
      const c = expr.expr.value
      const left = evaluateBooleanExpression(c.leftExpression, inputs)
      const right = evaluateBooleanExpression(c.rightExpression, inputs)
      return c.operator === ConjunctionExpression_LogicalOperator.OR ? left || right : left && right
    }
    default:
      throw new BranchError('No Comparison or Conjunction found in Branch node expression.')
  }
}

export function evaluateComparison(expr: ComparisonExpression, inputs: LiteralMap): boolean {
  const left = operandValue(expr.leftValue, inputs, 'LHS')
  const right = operandValue(expr.rightValue, inputs, 'RHS')
  return compare(left, right, expr.operator)
}

function operandValue(op: Operand | undefined, inputs: LiteralMap, side: 'LHS' | 'RHS'): Value {
  switch (op?.val.case) {
    case 'primitive':
      return op.val.value
    case 'scalar': {
      const s = op.val.value.value
      if (s.case === 'primitive') return s.value
      if (s.case === 'noneType') return null
      throw new BranchError(`Only primitives can be compared. ${side} operand is non primitive.`)
    }
    case 'var': {
      const lit = inputs.literals[op.val.value]
      if (!lit) throw new BranchError(`Failed to find Value for Variable [${op.val.value}]`)
      return literalValue(lit, side)
    }
    default:
      throw new BranchError(`Empty ${side} operand in branch condition.`)
  }
}

function literalValue(lit: Literal, side: 'LHS' | 'RHS'): Value {
  if (lit.value.case === 'scalar') {
    let s = lit.value.value
    // Optional[T] inputs arrive as unions; compare the value inside.
    if (s.value.case === 'union' && s.value.value.value?.value.case === 'scalar') s = s.value.value.value.value.value
    if (s.value.case === 'primitive') return s.value.value
    if (s.value.case === 'noneType') return null
  }
  throw new BranchError(`Only primitives can be compared. ${side} Variable is non primitive.`)
}

const OP_NAMES: Record<ComparisonExpression_Operator, string> = {
  [ComparisonExpression_Operator.EQ]: 'EQ',
  [ComparisonExpression_Operator.NEQ]: 'NEQ',
  [ComparisonExpression_Operator.GT]: 'GT',
  [ComparisonExpression_Operator.GTE]: 'GTE',
  [ComparisonExpression_Operator.LT]: 'LT',
  [ComparisonExpression_Operator.LTE]: 'LTE',
}

export function compare(left: Value, right: Value, op: ComparisonExpression_Operator): boolean {
  if (left === null || right === null) {
    if (op === ComparisonExpression_Operator.EQ) return left === right || (left === null && right === null)
    if (op === ComparisonExpression_Operator.NEQ) return !(left === null && right === null)
    throw new BranchError(`Comparison between nil and non-nil values with operator [${OP_NAMES[op]}] is not supported.`)
  }
  if (left.value.case !== right.value.case || left.value.case === undefined) {
    throw new BranchError(
      `Comparison between different primitives types. lVal[${left.value.case ?? 'empty'}]:rVal[${right.value.case ?? 'empty'}]`,
    )
  }
  if (left.value.case === 'boolean') {
    const l = left.value.value
    const r = right.value.value as boolean
    if (op === ComparisonExpression_Operator.EQ) return l === r
    if (op === ComparisonExpression_Operator.NEQ) return l !== r
    throw new BranchError(`[${OP_NAMES[op]}] not defined for boolean operands.`)
  }
  const [l, r] = comparable(left, right)
  switch (op) {
    case ComparisonExpression_Operator.EQ:
      return l === r
    case ComparisonExpression_Operator.NEQ:
      return l !== r
    case ComparisonExpression_Operator.GT:
      return l > r
    case ComparisonExpression_Operator.GTE:
      return l >= r
    case ComparisonExpression_Operator.LT:
      return l < r
    case ComparisonExpression_Operator.LTE:
      return l <= r
    default:
      throw new BranchError('Unsupported operator type.')
  }
}

function comparable(left: Primitive, right: Primitive): [bigint | number | string, bigint | number | string] {
  const one = (p: Primitive): bigint | number | string => {
    switch (p.value.case) {
      case 'integer':
      case 'floatValue':
      case 'stringValue':
        return p.value.value
      case 'datetime':
      case 'duration':
        return p.value.value.seconds
      default:
        throw new BranchError(`Comparator not defined for type: [${p.value.case ?? 'empty'}]`)
    }
  }
  return [one(left), one(right)]
}

export interface BranchDecision {
  selected: Node
  /** The then-nodes (and else node) not taken: reported as SKIPPED. */
  skipped: Node[]
}

/** Picks the branch to run: first true `if`, then `elif`s in order, then `else`; `else: fail` → error. */
export function decideBranch(ifElse: IfElseBlock | undefined, inputs: LiteralMap): BranchDecision {
  if (!ifElse?.case) throw new BranchError('Branch node has no if-block.')
  const skipped: Node[] = []
  let selected: Node | undefined
  for (const block of [ifElse.case, ...ifElse.other]) {
    if (!block.thenNode) throw new BranchError('Branch if-block has no then-node.')
    if (!selected && evaluateBooleanExpression(block.condition, inputs)) selected = block.thenNode
    else skipped.push(block.thenNode)
  }
  if (ifElse.default.case === 'elseNode') {
    if (!selected) selected = ifElse.default.value
    else skipped.push(ifElse.default.value)
  }
  if (!selected) {
    if (ifElse.default.case === 'error') throw new BranchError(ifElse.default.value.message, 'UserProvidedError')
    throw new BranchError('No branch satisfied')
  }
  return {selected, skipped}
}
