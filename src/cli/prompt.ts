/** Confirmation prompts that never hang: with no terminal they fail unless --force was given. */
import {CliError} from './errors.js'

export interface ConfirmOptions {
  force?: boolean
  input?: NodeJS.ReadableStream & {isTTY?: boolean}
  output?: NodeJS.WritableStream
  /** What to say when a prompt is needed but there is no terminal. */
  nonInteractiveMessage?: string
}

/** Ask `<question> [y/n]: `; y/yes/n/no in any case; anything else asks again; end of input means no. */
export async function confirm(question: string, opts: ConfirmOptions = {}): Promise<boolean> {
  if (opts.force) return true
  const input = opts.input ?? process.stdin
  const output = opts.output ?? process.stderr
  if (!input.isTTY) {
    throw new CliError('needs-confirmation', opts.nonInteractiveMessage ?? `${question} (no terminal to ask on)`)
  }
  const {createInterface} = await import('node:readline')
  const rl = createInterface({input, output, terminal: false})
  try {
    for await (const answer of askLines(rl, question, output)) {
      const a = answer.trim().toLowerCase()
      if (a === 'y' || a === 'yes') return true
      if (a === 'n' || a === 'no') return false
    }
    return false
  } finally {
    rl.close()
  }
}

async function* askLines(
  rl: import('node:readline').Interface,
  question: string,
  output: NodeJS.WritableStream,
): AsyncGenerator<string> {
  output.write(`${question} [y/n]: `)
  for await (const line of rl) {
    yield line
    output.write(`${question} [y/n]: `)
  }
}
