/**
 * CloudEvents 1.0 envelopes for execution events, as FlyteAdmin's publishers make them:
 * - `cloud` v2 (CloudEventWrappedPublisher): type `com.flyte.resource.cloudevents.<Kind>Execution`,
 *   data = protobuf JSON of CloudEvent<Kind>Execution, enriched (launch plan, typed interface, artifact
 *   ids, principal, labels) for SUCCEEDED workflows (every phase with enrichAllWorkflowEventTypes) and
 *   SUCCEEDED nodes other than start-node; source `<exec>/end-node`, `<exec>/<node>`, `<exec>/<node>/<retry>`.
 * - `cloud` v1 (Publisher): type `com.flyte.resource.flyteidl.admin.<Kind>ExecutionEventRequest`,
 *   data = protobuf JSON of the request, source `https://github.com/flyteorg/flyte/flyteadmin`.
 * - `external` (EventPublisher, raw events): the request as protobuf binary (`data_base64`), type = its
 *   message name as FlyteAdmin's publish key.
 * Ids are `<subject>.<PHASE>` (task events add `.<phase_version>` past 0), stable across retries and
 * restarts so consumers can dedupe; the subject is the execution path `<project>/<domain>/<name>[/<node>[/<retry>]]`.
 */
import {create, toBinary, toJson, type DescMessage, type MessageShape} from '@bufbuild/protobuf'
import {timestampDate} from '@bufbuild/protobuf/wkt'
import {
  NodeExecutionEventRequestSchema,
  TaskExecutionEventRequestSchema,
  WorkflowExecutionEventRequestSchema,
} from '../../gen/flyteidl/admin/event_pb.js'
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from '../../gen/flyteidl/core/execution_pb.js'
import {
  CloudEventNodeExecutionSchema,
  CloudEventTaskExecutionSchema,
  CloudEventWorkflowExecutionSchema,
} from '../../gen/flyteidl/event/cloudevents_pb.js'
import type {NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent} from '../../gen/flyteidl/event/event_pb.js'
import type {EventKind} from './config.js'

export const SPEC_VERSION = '1.0'
export const FLYTEADMIN_SOURCE = 'https://github.com/flyteorg/flyte/flyteadmin'
export const V1_JSON_SCHEMA_URL =
  'https://github.com/flyteorg/flyteidl/blob/v0.24.14/jsonschema/workflow_execution.json'
export const TYPE_PREFIX = 'com.flyte.resource'

/** A CloudEvent in the structured JSON format (one NDJSON line; the webhook's structured body). */
export interface CloudEventEnvelope {
  specversion: string
  id: string
  source: string
  type: string
  subject: string
  time: string
  datacontenttype: string
  jsonschemaurl?: string
  data?: unknown
  data_base64?: string
}

export type Stream = 'cloud' | 'external'

export type RawEvent =
  | {kind: 'workflow'; event: WorkflowExecutionEvent}
  | {kind: 'node'; event: NodeExecutionEvent}
  | {kind: 'task'; event: TaskExecutionEvent}

/** What enrichment adds (looked up by the publisher in the plane's store). */
export interface Enrichment {
  launchPlanId?: MessageShape<typeof CloudEventWorkflowExecutionSchema>['launchPlanId']
  outputInterface?: MessageShape<typeof CloudEventWorkflowExecutionSchema>['outputInterface']
  artifactIds?: MessageShape<typeof CloudEventWorkflowExecutionSchema>['artifactIds']
  referenceExecution?: MessageShape<typeof CloudEventWorkflowExecutionSchema>['referenceExecution']
  principal?: string
  labels?: Record<string, string>
  taskExecId?: MessageShape<typeof CloudEventNodeExecutionSchema>['taskExecId']
}

const KIND_NAME: Record<EventKind, string> = {workflow: 'Workflow', node: 'Node', task: 'Task'}

export function phaseName(e: RawEvent): string {
  switch (e.kind) {
    case 'workflow':
      return WorkflowExecution_Phase[e.event.phase] ?? String(e.event.phase)
    case 'node':
      return NodeExecution_Phase[e.event.phase] ?? String(e.event.phase)
    case 'task':
      return TaskExecution_Phase[e.event.phase] ?? String(e.event.phase)
  }
}

/** The execution path of the event: `<project>/<domain>/<name>[/<node>[/<retry>]]`. */
export function subjectOf(e: RawEvent): string {
  switch (e.kind) {
    case 'workflow': {
      const x = e.event.executionId
      return `${x?.project}/${x?.domain}/${x?.name}`
    }
    case 'node': {
      const x = e.event.id?.executionId
      return `${x?.project}/${x?.domain}/${x?.name}/${e.event.id?.nodeId}`
    }
    case 'task': {
      const n = e.event.parentNodeExecutionId
      const x = n?.executionId
      return `${x?.project}/${x?.domain}/${x?.name}/${n?.nodeId}/${e.event.retryAttempt}`
    }
  }
}

export function eventId(e: RawEvent): string {
  const base = `${subjectOf(e)}.${phaseName(e)}`
  return e.kind === 'task' && e.event.phaseVersion > 0 ? `${base}.${e.event.phaseVersion}` : base
}

/** FlyteAdmin's v2 source (flyte URL key, no project/domain). */
export function v2Source(e: RawEvent): string {
  switch (e.kind) {
    case 'workflow':
      return `${e.event.executionId?.name}/end-node`
    case 'node':
      return `${e.event.id?.executionId?.name}/${e.event.id?.nodeId}`
    case 'task':
      return `${e.event.parentNodeExecutionId?.executionId?.name}/${e.event.parentNodeExecutionId?.nodeId}/${e.event.retryAttempt}`
  }
}

function timeOf(e: RawEvent): string {
  const ts = e.event.occurredAt
  return (ts ? timestampDate(ts) : new Date()).toISOString()
}

/** Does FlyteAdmin enrich this event (v2)? */
export function wantsEnrichment(e: RawEvent, enrichAllWorkflowEventTypes: boolean): boolean {
  if (e.kind === 'workflow') return enrichAllWorkflowEventTypes || e.event.phase === WorkflowExecution_Phase.SUCCEEDED
  if (e.kind === 'node') return e.event.phase === NodeExecution_Phase.SUCCEEDED && e.event.id?.nodeId !== 'start-node'
  return true
}

function json<Desc extends DescMessage>(schema: Desc, msg: MessageShape<Desc>): unknown {
  return toJson(schema, msg)
}

function request(e: RawEvent): {name: string; json: () => unknown; binary: () => Uint8Array} {
  switch (e.kind) {
    case 'workflow': {
      const m = create(WorkflowExecutionEventRequestSchema, {event: e.event})
      return {
        name: WorkflowExecutionEventRequestSchema.typeName,
        json: () => json(WorkflowExecutionEventRequestSchema, m),
        binary: () => toBinary(WorkflowExecutionEventRequestSchema, m),
      }
    }
    case 'node': {
      const m = create(NodeExecutionEventRequestSchema, {event: e.event})
      return {
        name: NodeExecutionEventRequestSchema.typeName,
        json: () => json(NodeExecutionEventRequestSchema, m),
        binary: () => toBinary(NodeExecutionEventRequestSchema, m),
      }
    }
    case 'task': {
      const m = create(TaskExecutionEventRequestSchema, {event: e.event})
      return {
        name: TaskExecutionEventRequestSchema.typeName,
        json: () => json(TaskExecutionEventRequestSchema, m),
        binary: () => toBinary(TaskExecutionEventRequestSchema, m),
      }
    }
  }
}

function v2Data(e: RawEvent, x: Enrichment | undefined): unknown {
  switch (e.kind) {
    case 'workflow':
      return json(
        CloudEventWorkflowExecutionSchema,
        create(CloudEventWorkflowExecutionSchema, {
          rawEvent: e.event,
          ...(x
            ? {
                outputInterface: x.outputInterface,
                artifactIds: x.artifactIds ?? [],
                referenceExecution: x.referenceExecution,
                principal: x.principal ?? '',
                launchPlanId: x.launchPlanId,
                labels: x.labels ?? {},
              }
            : {}),
        }),
      )
    case 'node':
      return json(
        CloudEventNodeExecutionSchema,
        create(CloudEventNodeExecutionSchema, {
          rawEvent: e.event,
          ...(x
            ? {
                taskExecId: x.taskExecId,
                outputInterface: x.outputInterface,
                artifactIds: x.artifactIds ?? [],
                principal: x.principal ?? '',
                launchPlanId: x.launchPlanId,
                labels: x.labels ?? {},
              }
            : {}),
        }),
      )
    case 'task':
      return json(
        CloudEventTaskExecutionSchema,
        create(CloudEventTaskExecutionSchema, {rawEvent: e.event, labels: x?.labels ?? {}}),
      )
  }
}

/** The envelope of one event on one stream. */
export function buildEnvelope(
  e: RawEvent,
  stream: Stream,
  version: 'v1' | 'v2',
  enrichment: Enrichment | undefined,
): CloudEventEnvelope {
  const base = {specversion: SPEC_VERSION, id: eventId(e), subject: subjectOf(e), time: timeOf(e)}
  if (stream === 'external') {
    const r = request(e)
    return {
      ...base,
      source: `${FLYTEADMIN_SOURCE}/externalEvents`,
      type: r.name,
      datacontenttype: 'application/protobuf',
      data_base64: Buffer.from(r.binary()).toString('base64'),
    }
  }
  if (version === 'v1') {
    const r = request(e)
    return {
      ...base,
      source: FLYTEADMIN_SOURCE,
      type: `${TYPE_PREFIX}.${r.name}`,
      datacontenttype: 'application/json',
      jsonschemaurl: V1_JSON_SCHEMA_URL,
      data: r.json(),
    }
  }
  return {
    ...base,
    source: v2Source(e),
    type: `${TYPE_PREFIX}.cloudevents.${KIND_NAME[e.kind]}Execution`,
    datacontenttype: 'application/json',
    jsonschemaurl: '',
    data: v2Data(e, enrichment),
  }
}

/** The event's data as bytes (for the binary content mode: HTTP body, Kafka value). */
export function dataBytes(env: CloudEventEnvelope): Buffer {
  if (env.data_base64 !== undefined) return Buffer.from(env.data_base64, 'base64')
  return Buffer.from(JSON.stringify(env.data ?? null))
}

/** The context attributes of an envelope (everything but the data), for ce-* headers. */
export function attributes(env: CloudEventEnvelope): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) {
    if (k === 'data' || k === 'data_base64' || k === 'datacontenttype' || v === undefined) continue
    out[k] = String(v)
  }
  return out
}
