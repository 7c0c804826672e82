import {existsSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {CliError} from '../cli/errors.js'
import {confirm} from '../cli/prompt.js'
import {renderInitConfig, type InitOptions} from './init.js'
import {defaultConfigPath} from './load.js'

/** Writes ~/.flyte/config.yaml, asking before it overwrites an existing file. */
export async function initConfigFile(opts: InitOptions & {force?: boolean; home?: string}) {
  const text = renderInitConfig(opts)
  const path = defaultConfigPath(opts.home)
  if (existsSync(path)) {
    const question = `This action will overwrite an existing config file at [${path}]. Do you want to continue?`
    const ok = await confirm(question, {
      force: opts.force,
      nonInteractiveMessage: `config file ${path} already exists; not overwriting it without confirmation`,
    })
    if (!ok) throw new CliError('aborted', `config init aborted by user; ${path} left unchanged`)
  }
  await mkdir(dirname(path), {recursive: true})
  await writeFile(path, text, {mode: 0o600})
  return {path, written: true}
}
