/**
 * Table columns of `get` (flytectl's header ← JSONPath projections over the protojson form),
 * plus the cell formatters they need. Deliberate fixes: launch-plan-by-name Type/State/Schedule show
 * real values (Go reads paths that do not exist, or prints Go maps).
 */
import type {Column} from '../cli/printer.js'
import {valueAt} from '../cli/printer.js'

type Json = Record<string, unknown>

/** `name: description` lines (just `name` when equal), each cut to 25 characters, sorted by name. */
export function formattedDescriptions(vars: unknown): string {
  if (!vars || typeof vars !== 'object') return ''
  const lines = Object.keys(vars as Json)
    .sort()
    .map((name) => {
      const v = (vars as Json)[name] as Json | undefined
      const desc = String((v?.description ?? (v?.var as Json | undefined)?.description ?? '') as string)
      const line = desc && desc !== name ? `${name}: ${desc}` : name
      return line.length > 25 ? line.slice(0, 22) + '...' : line
    })
  return lines.join('\n')
}

const inputsOf = (path: string, key: 'variables' | 'parameters') => (row: Json) =>
  formattedDescriptions((valueAt(row, path) as Json | undefined)?.[key])

/** A schedule as text: the cron expression or `every N UNIT`, not a Go map dump. */
export function scheduleText(schedule: unknown): string {
  if (!schedule || typeof schedule !== 'object') return ''
  const s = schedule as Json
  const cron = (s.cronSchedule as Json | undefined)?.schedule ?? s.cronExpression
  if (cron) return String(cron)
  const rate = s.rate as Json | undefined
  if (rate) return `every ${rate.value ?? 0} ${String(rate.unit ?? 'MINUTE').toLowerCase()}`
  return ''
}

export const projectColumns: Column<Json>[] = [
  {header: 'ID', path: 'id'},
  {header: 'Name', path: 'name'},
  {header: 'Description', path: 'description'},
]

export const taskColumns: Column<Json>[] = [
  {header: 'Version', path: 'id.version'},
  {header: 'Name', path: 'id.name'},
  {header: 'Type', path: 'closure.compiledTask.template.type'},
  {header: 'Inputs', path: inputsOf('closure.compiledTask.template.interface.inputs', 'variables')},
  {header: 'Outputs', path: inputsOf('closure.compiledTask.template.interface.outputs', 'variables')},
  {header: 'Discoverable', path: 'closure.compiledTask.template.metadata.discoverable'},
  {header: 'Discovery Version', path: 'closure.compiledTask.template.metadata.discoveryVersion'},
  {header: 'Created At', path: 'closure.createdAt'},
]

export const namedEntityColumns: Column<Json>[] = [
  {header: 'Project', path: 'id.project'},
  {header: 'Domain', path: 'id.domain'},
  {header: 'Name', path: 'id.name'},
  {header: 'Description', path: 'metadata.description'},
  {header: 'State', path: (row) => valueAt(row, 'metadata.state') ?? 'NAMED_ENTITY_ACTIVE'},
]

export const workflowVersionColumns: Column<Json>[] = [
  {header: 'Version', path: 'id.version'},
  {header: 'Name', path: 'id.name'},
  {header: 'Created At', path: 'closure.createdAt'},
]

export const workflowDetailColumns: Column<Json>[] = [
  {header: 'Version', path: 'id.version'},
  {header: 'Name', path: 'id.name'},
  {header: 'Inputs', path: inputsOf('closure.compiledWorkflow.primary.template.interface.inputs', 'variables')},
  {header: 'Outputs', path: inputsOf('closure.compiledWorkflow.primary.template.interface.outputs', 'variables')},
  {header: 'Created At', path: 'closure.createdAt'},
]

export const launchPlanListColumns: Column<Json>[] = [
  {header: 'Version', path: 'id.version'},
  {header: 'Name', path: 'id.name'},
  {header: 'Type', path: 'id.resourceType'},
  {header: 'CreatedAt', path: 'closure.createdAt'},
]

export const launchPlanDetailColumns: Column<Json>[] = [
  {header: 'Version', path: 'id.version'},
  {header: 'Name', path: 'id.name'},
  {header: 'Type', path: 'id.resourceType'},
  {header: 'State', path: (row) => valueAt(row, 'closure.state') ?? 'INACTIVE'},
  {header: 'Schedule', path: (row) => scheduleText(valueAt(row, 'spec.entityMetadata.schedule'))},
  {header: 'Inputs', path: inputsOf('closure.expectedInputs', 'parameters')},
  {header: 'Outputs', path: inputsOf('closure.expectedOutputs', 'variables')},
]

export const executionColumns: Column<Json>[] = [
  {header: 'Name', path: 'id.name'},
  {header: 'Launch Plan Name', path: 'spec.launchPlan.name'},
  {header: 'Version', path: 'spec.launchPlan.version'},
  {header: 'Type', path: 'spec.launchPlan.resourceType'},
  {header: 'Phase', path: (row) => valueAt(row, 'closure.phase') ?? 'UNDEFINED'},
  {header: 'Scheduled Time', path: 'spec.metadata.scheduledAt'},
  {header: 'Started', path: 'closure.startedAt'},
  {header: 'Elapsed Time', path: 'closure.duration'},
  {header: 'Abort data (Trunc)', path: 'closure.abortMetadata.cause', truncate: 100},
  {header: 'Error data (Trunc)', path: 'closure.error.message', truncate: 100},
]
