/**
 * Progress while a plan runs: listr2 on a terminal (one task per repository, running concurrently,
 * its steps as subtasks; drawn on stderr so stdout keeps only the report), plain lines otherwise.
 */
import type {ListrTask} from 'listr2'
import type {GroupRunner} from './apply.js'
import type {StepResult} from './types.js'

export function plainLine(r: StepResult): string {
  return `[${r.repo}] ${r.kind} ${r.target}: ${r.status}${r.detail ? ` (${r.detail})` : ''}`
}

/** listr2 runner; `silent` draws nothing (tests). */
export function createListrRunner(options: {silent?: boolean} = {}): GroupRunner {
  return (groups) => runWithListr(groups, Boolean(options.silent))
}

export const listrRunner: GroupRunner = createListrRunner()

async function runWithListr(groups: Parameters<GroupRunner>[0], silent: boolean): Promise<void> {
  const {Listr, ProcessOutput} = await import('listr2')
  const tasks: ListrTask[] = groups.map((g) => ({
    title: g.repo,
    task: (_ctx, task) =>
      task.newListr(
        g.steps.map((step): ListrTask => ({
          title: step.summary,
          task: async (_c, t) => {
            const r = await g.run(step)
            t.title = `${step.summary}: ${r.status}${r.detail ? ` (${r.detail})` : ''}`
            if (r.status === 'failed') throw new Error(t.title)
          },
        })),
        {concurrent: false, exitOnError: true},
      ),
  }))
  const list = new Listr(tasks, {
    ...(silent ? {renderer: 'silent' as const} : {}),
    concurrent: true,
    exitOnError: false,
    rendererOptions: {collapseSubtasks: false, processOutput: new ProcessOutput(process.stderr, process.stderr)},
  })
  try {
    await list.run()
  } catch {
    // Failures are in the step results; the report says which.
  }
}
