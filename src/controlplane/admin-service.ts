/**
 * The AdminService, DataProxyService, AuthMetadataService, IdentityService and SignalService
 * implementations, and the plane's own ExecutionEventService (a server stream of recorded events).
 */
import type {ConnectRouter, ServiceImpl} from '@connectrpc/connect'
import type {DescService} from '@bufbuild/protobuf'
import {AdminService} from '../gen/flyteidl/service/admin_pb.js'
import {AuthMetadataService} from '../gen/flyteidl/service/auth_pb.js'
import {DataProxyService} from '../gen/flyteidl/service/dataproxy_pb.js'
import {IdentityService} from '../gen/flyteidl/service/identity_pb.js'
import {SignalService} from '../gen/flyteidl/service/signal_pb.js'
import {ExecutionEventService} from '../gen/flytectl/plane/v1/events_pb.js'
import {ExecutionEventStreams, type WatchLimits} from './event-stream.js'
import type {PlaneContext} from './context.js'
import * as attributes from './services/attributes.js'
import * as defs from './services/definitions.js'
import * as dataproxy from './services/dataproxy.js'
import * as events from './services/events.js'
import * as executions from './services/executions.js'
import * as identity from './services/identity.js'
import * as named from './services/named-entities.js'
import * as nodes from './services/node-executions.js'
import * as projects from './services/projects.js'
import * as signals from './services/signals.js'
import {serverVersion} from './version.js'

/** A service and its implementation (methods by local name), for the gRPC router and the REST gateway. */
export interface ServiceBinding {
  service: DescService
  impl: Record<string, (req: never) => unknown>
}

export function serviceBindings(ctx: PlaneContext, watchLimits: Partial<WatchLimits> = {}): ServiceBinding[] {
  const sink = events.storeSink(ctx)
  const admin: Partial<ServiceImpl<typeof AdminService>> = {
    registerProject: (req) => projects.registerProject(ctx, req),
    updateProject: (req) => projects.updateProject(ctx, req),
    getProject: (req) => projects.getProject(ctx, req),
    listProjects: (req) => projects.listProjects(ctx, req),
    getDomains: () => projects.getDomains(ctx),

    createTask: (req) => defs.createTask(ctx, req),
    getTask: (req) => defs.getTask(ctx, req),
    listTasks: (req) => defs.listTasks(ctx, req),
    listTaskIds: (req) => defs.listIds(ctx, 'tasks', req),
    createWorkflow: (req) => defs.createWorkflow(ctx, req),
    getWorkflow: (req) => defs.getWorkflow(ctx, req),
    listWorkflows: (req) => defs.listWorkflows(ctx, req),
    listWorkflowIds: (req) => defs.listIds(ctx, 'workflows', req),
    createLaunchPlan: (req) => defs.createLaunchPlan(ctx, req),
    getLaunchPlan: (req) => defs.getLaunchPlan(ctx, req),
    listLaunchPlans: (req) => defs.listLaunchPlans(ctx, req),
    listLaunchPlanIds: (req) => defs.listIds(ctx, 'launch_plans', req),
    updateLaunchPlan: (req) => defs.updateLaunchPlan(ctx, req),
    getActiveLaunchPlan: (req) => defs.getActiveLaunchPlan(ctx, req),
    listActiveLaunchPlans: (req) => defs.listActiveLaunchPlans(ctx, req),

    createExecution: (req) => executions.createExecution(ctx, req, sink),
    relaunchExecution: (req) => executions.relaunchExecution(ctx, req, sink),
    recoverExecution: (req) => executions.recoverExecution(ctx, req, sink),
    getExecution: (req) => executions.getExecution(ctx, req),
    updateExecution: (req) => executions.updateExecution(ctx, req),
    getExecutionData: (req) => executions.getExecutionData(ctx, req),
    listExecutions: (req) => executions.listExecutions(ctx, req),
    terminateExecution: (req) => executions.terminateExecution(ctx, req),

    createWorkflowEvent: (req) => events.createWorkflowEvent(ctx, req),
    createNodeEvent: (req) => events.createNodeEvent(ctx, req),
    createTaskEvent: (req) => events.createTaskEvent(ctx, req),

    getNodeExecution: (req) => nodes.getNodeExecution(ctx, req),
    getDynamicNodeWorkflow: (req) => nodes.getDynamicNodeWorkflow(ctx, req),
    listNodeExecutions: (req) => nodes.listNodeExecutions(ctx, req),
    listNodeExecutionsForTask: (req) => nodes.listNodeExecutionsForTask(ctx, req),
    getNodeExecutionData: (req) => nodes.getNodeExecutionData(ctx, req),
    getTaskExecution: (req) => nodes.getTaskExecution(ctx, req),
    listTaskExecutions: (req) => nodes.listTaskExecutions(ctx, req),
    getTaskExecutionData: (req) => nodes.getTaskExecutionData(ctx, req),

    updateProjectAttributes: (req) => attributes.updateProjectAttributes(ctx, req),
    getProjectAttributes: (req) => attributes.getProjectAttributes(ctx, req),
    deleteProjectAttributes: (req) => attributes.deleteProjectAttributes(ctx, req),
    updateProjectDomainAttributes: (req) => attributes.updateProjectDomainAttributes(ctx, req),
    getProjectDomainAttributes: (req) => attributes.getProjectDomainAttributes(ctx, req),
    deleteProjectDomainAttributes: (req) => attributes.deleteProjectDomainAttributes(ctx, req),
    updateWorkflowAttributes: (req) => attributes.updateWorkflowAttributes(ctx, req),
    getWorkflowAttributes: (req) => attributes.getWorkflowAttributes(ctx, req),
    deleteWorkflowAttributes: (req) => attributes.deleteWorkflowAttributes(ctx, req),
    listMatchableAttributes: (req) => attributes.listMatchableAttributes(ctx, req),

    listNamedEntities: (req) => named.listNamedEntities(ctx, req),
    getNamedEntity: (req) => named.getNamedEntity(ctx, req),
    updateNamedEntity: (req) => named.updateNamedEntity(ctx, req),
    getDescriptionEntity: (req) => named.getDescriptionEntity(ctx, req),
    listDescriptionEntities: (req) => named.listDescriptionEntities(ctx, req),

    getVersion: () => serverVersion(),
  }
  const dataProxy: Partial<ServiceImpl<typeof DataProxyService>> = {
    createUploadLocation: (req) => dataproxy.createUploadLocation(ctx, req),
    createDownloadLocation: (req) => dataproxy.createDownloadLocation(ctx, req),
    createDownloadLink: (req) => dataproxy.createDownloadLink(ctx, req),
  }
  const auth: Partial<ServiceImpl<typeof AuthMetadataService>> = {
    getOAuth2Metadata: () => identity.oauth2Metadata(ctx),
    getPublicClientConfig: () => identity.publicClientConfig(ctx),
  }
  const who: Partial<ServiceImpl<typeof IdentityService>> = {userInfo: () => identity.localUserInfo()}
  const signal: ServiceImpl<typeof SignalService> = {
    getOrCreateSignal: (req) => signals.getOrCreateSignal(ctx, req),
    listSignals: (req) => signals.listSignals(ctx, req),
    setSignal: (req) => signals.setSignal(ctx, req),
  }
  const streams = new ExecutionEventStreams(ctx, watchLimits)
  const watch: ServiceImpl<typeof ExecutionEventService> = {
    watchExecutionEvents: (req, hctx) => streams.watch(req, hctx),
  }
  return [
    {service: AdminService, impl: admin as ServiceBinding['impl']},
    {service: DataProxyService, impl: dataProxy as ServiceBinding['impl']},
    {service: AuthMetadataService, impl: auth as ServiceBinding['impl']},
    {service: IdentityService, impl: who as ServiceBinding['impl']},
    {service: SignalService, impl: signal as unknown as ServiceBinding['impl']},
    {service: ExecutionEventService, impl: watch as unknown as ServiceBinding['impl']},
  ]
}

export function registerServices(router: ConnectRouter, bindings: ServiceBinding[]): void {
  for (const b of bindings) router.service(b.service, b.impl as never)
}
