import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'

const TEMPLATE = new URL('../../../../templates/github/triage.yml', import.meta.url).pathname

test('the triage workflow runs weekly and on new issues and PRs, calling only commands that exist', () => {
  const wf = parse(readFileSync(TEMPLATE, 'utf8')) as {
    on: Record<string, unknown> & {schedule: Array<{cron: string}>; issues: {types: string[]}}
    permissions: Record<string, string>
    jobs: Record<string, {if: string; steps: Array<{run?: string}>}>
  }
  assert.match(wf.on.schedule[0].cron, /^\S+ \S+ \* \* 1$/, 'weekly, on Mondays')
  assert.ok(wf.on.issues.types.includes('opened'))
  assert.ok('pull_request_target' in wf.on)
  assert.equal(wf.permissions.issues, 'write')
  const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''))
  const commands = runs.flatMap((r) => [...r.matchAll(/flytectl (triage \S+|docs \S+)/g)].map((m) => m[1]))
  assert.deepEqual([...new Set(commands)].sort(), [
    'triage check-pr',
    'triage label',
    'triage milestones',
    'triage owners',
    'triage report',
    'triage stale',
  ])
  const manifest = JSON.parse(readFileSync(new URL('../../../../oclif.manifest.json', import.meta.url), 'utf8')) as {
    commands: Record<string, unknown>
  }
  for (const c of commands) assert.ok(manifest.commands[c.replace(' ', ':')], `${c} is a command`)
})
