/**
 * Notifications as FlyteAdmin sends them, delivered locally. When an execution reaches a terminal
 * phase, each of its notifications (the request's, else its launch plan's; none with `disable_all`)
 * listing that phase becomes one message: recipients from the email, Slack or PagerDuty entry (all
 * three are emails to FlyteAdmin), subject and body from FlyteAdmin's default emailer templates with
 * the same variables. Each message is one JSON file in `<data dir>/notifications/outbox/`; with a
 * webhook URL, a background notifier POSTs every outbox message once and marks it delivered
 * (`notifications/delivered/<same name>`), so nothing is lost across restarts.
 */
import {mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Execution} from '../gen/flyteidl/admin/execution_pb.js'
import {WorkflowExecution_Phase} from '../gen/flyteidl/core/execution_pb.js'
import type {PlaneContext} from './context.js'

export const SUBJECT_TEMPLATE = 'Notice: Execution "{{ name }}" has {{ phase }} in "{{ domain }}".'
export const BODY_TEMPLATE =
  'Execution "{{ name }}" has {{ phase }} in "{{ domain }}". View details at ' +
  '<a href="{{ console }}/projects/{{ project }}/domains/{{ domain }}/executions/{{ name }}">' +
  '{{ console }}/projects/{{ project }}/domains/{{ domain }}/executions/{{ name }}</a>. {{ error }}'
export const SENDER = 'flyte-notifications@localhost'

export const outboxDir = (dataDir: string) => join(dataDir, 'notifications', 'outbox')
const deliveredDir = (dataDir: string) => join(dataDir, 'notifications', 'delivered')

export interface NotificationMessage {
  type: 'email' | 'slack' | 'pager_duty'
  recipients_email: string[]
  sender_email: string
  subject_line: string
  body: string
  execution: {project: string; domain: string; name: string}
  phase: string
  created_at: string
}

function substitute(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (m, k: string) => vars[k] ?? m)
}

/** The messages an execution that just reached its terminal phase sends. */
export function messagesFor(execution: Execution, consoleUrl: string): NotificationMessage[] {
  const c = execution.closure
  const id = execution.id
  if (!c || !id) return []
  const phase = WorkflowExecution_Phase[c.phase] ?? String(c.phase)
  const error =
    c.outputResult.case === 'error' ? ` The execution failed with error: [${c.outputResult.value.message}].` : ''
  const wf = c.workflowId
  const lp = execution.spec?.launchPlan
  const vars: Record<string, string> = {
    project: id.project,
    domain: id.domain,
    name: id.name,
    phase: phase.toLowerCase(),
    error,
    console: consoleUrl,
    'workflow.project': wf?.project ?? '',
    'workflow.domain': wf?.domain ?? '',
    'workflow.name': wf?.name ?? '',
    'workflow.version': wf?.version ?? '',
    'launch_plan.project': lp?.project ?? '',
    'launch_plan.domain': lp?.domain ?? '',
    'launch_plan.name': lp?.name ?? '',
    'launch_plan.version': lp?.version ?? '',
  }
  const out: NotificationMessage[] = []
  for (const n of c.notifications) {
    if (!n.phases.includes(c.phase) || !n.type.case) continue
    out.push({
      type: n.type.case === 'pagerDuty' ? 'pager_duty' : n.type.case,
      recipients_email: [...n.type.value.recipientsEmail],
      sender_email: SENDER,
      subject_line: substitute(SUBJECT_TEMPLATE, vars),
      body: substitute(BODY_TEMPLATE, vars),
      execution: {project: id.project, domain: id.domain, name: id.name},
      phase,
      created_at: new Date().toISOString(),
    })
  }
  return out
}

/** Writes the messages of a terminal execution to the outbox; failures are logged, never thrown. */
export function publishNotifications(ctx: PlaneContext, execution: Execution): void {
  try {
    const messages = messagesFor(execution, `${ctx.baseUrl()}/console`)
    if (messages.length === 0) return
    const dir = outboxDir(ctx.dataDir)
    mkdirSync(dir, {recursive: true})
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    messages.forEach((m, i) => {
      const file = join(dir, `${stamp}-${m.execution.name}-${i}.json`)
      writeFileSync(`${file}.tmp`, JSON.stringify(m, null, 2) + '\n')
      renameSync(`${file}.tmp`, file)
    })
  } catch (err) {
    process.stderr.write(
      `${new Date().toISOString()} notifications of ${execution.id?.name}: ${(err as Error).message}\n`,
    )
  }
}

/** POSTs each undelivered outbox message to the webhook (JSON body), once, in order. */
export class WebhookNotifier {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly dataDir: string,
    private readonly url: string,
    private readonly tickMs = 1000,
  ) {}

  start(): this {
    const tick = () => {
      if (this.stopped) return
      this.running = this.deliver()
        .then(() => undefined)
        .catch((err: unknown) => {
          process.stderr.write(`notifier: ${(err as Error).message}\n`)
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.tickMs)
        })
    }
    tick()
    return this
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  async deliver(): Promise<number> {
    let files: string[]
    try {
      files = readdirSync(outboxDir(this.dataDir))
        .filter((f) => f.endsWith('.json'))
        .sort()
    } catch {
      return 0
    }
    const done = new Set(readdirSafe(deliveredDir(this.dataDir)))
    let sent = 0
    for (const f of files) {
      if (done.has(f) || this.stopped) continue
      const body = readFileSync(join(outboxDir(this.dataDir), f), 'utf8')
      const res = await fetch(this.url, {method: 'POST', headers: {'content-type': 'application/json'}, body})
      if (!res.ok) throw new Error(`webhook ${this.url} answered ${res.status} for ${f}; retrying`)
      mkdirSync(deliveredDir(this.dataDir), {recursive: true})
      writeFileSync(join(deliveredDir(this.dataDir), f), '')
      sent++
    }
    return sent
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
