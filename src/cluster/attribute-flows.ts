/** What `get|update|delete <matchable-attribute>` do, given a client and the parsed flags. */
import {existsSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import type {AdminClient} from '../admin/client.js'
import {CliError} from '../cli/errors.js'
import {
  deleteAttributes,
  fetchAttributes,
  parseAttrFile,
  sampleWorkflowExecutionConfig,
  scopeText,
  toAttrFile,
  updateAttributes,
  type AttributeKind,
  type AttributeScope,
} from './attributes.js'
import {runUpdate, type UpdateIo, type UpdateResult} from './update.js'

async function readAttrFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new CliError('invalid-input', `attrFile ${path} does not exist`, {
        hint: `Check the path, or write one with \`flytectl get <attribute> -p <project> -d <domain> --attrFile ${path}\`.`,
        cause: err,
      })
    throw new CliError('invalid-input', `cannot read attrFile ${path}: ${code ?? (err as Error).message}`, {
      cause: err,
    })
  }
}

async function writeYaml(path: string, body: unknown, force: boolean): Promise<void> {
  if (existsSync(path)) {
    const {confirm} = await import('../cli/prompt.js')
    const ok = await confirm(`warning file ${path} will be overwritten`, {
      force,
      nonInteractiveMessage: `file ${path} exists; not overwriting it without confirmation`,
    })
    if (!ok) throw new CliError('aborted', `not overwriting ${path}`)
  }
  const {yamlText} = await import('../cli/yaml-text.js')
  await writeFile(path, yamlText(body))
}

export interface GetAttributeOptions {
  attrFile?: string | undefined
  gen?: boolean
  force?: boolean
}

export async function getAttribute(
  admin: AdminClient,
  kind: AttributeKind,
  scope: AttributeScope,
  o: GetAttributeOptions,
): Promise<{text: string; file: Record<string, unknown> | null}> {
  const value = await fetchAttributes(admin, kind, scope)
  if (!value) {
    if (o.gen && kind.noun === 'workflow-execution-config') {
      if (!o.attrFile) throw new CliError('usage', '--gen needs --attrFile <file> to write the sample to')
      const sample = sampleWorkflowExecutionConfig(scope)
      await writeYaml(o.attrFile, sample, Boolean(o.force))
      return {text: `wrote the config to file ${o.attrFile}`, file: sample}
    }
    throw new CliError('not-found', `attribute not found`, {
      hint: `No ${kind.noun} is set for ${scopeText(scope)}; set one with \`flytectl update ${kind.noun} --attrFile <file>\`.`,
    })
  }
  const file = toAttrFile(kind, scope, value)
  if (o.attrFile) {
    await writeYaml(o.attrFile, file, Boolean(o.force))
    return {text: `wrote the config to file ${o.attrFile}`, file}
  }
  return {text: JSON.stringify(file), file}
}

export async function updateAttribute(
  admin: AdminClient,
  kind: AttributeKind,
  attrFile: string | undefined,
  io: UpdateIo,
): Promise<UpdateResult> {
  if (!attrFile)
    throw new CliError('usage', `attrFile is mandatory while calling update for ${kind.noun}`, {
      hint: `Write one with \`flytectl get ${kind.noun} -p <project> -d <domain> --attrFile <file>\`, edit it, pass --attrFile.`,
    })
  const {scope, value} = await parseAttrFile(kind, await readAttrFile(attrFile), attrFile)
  const current = await fetchAttributes(admin, kind, scope)
  return runUpdate(
    {
      before: current ? toAttrFile(kind, scope, current) : null,
      after: toAttrFile(kind, scope, value),
      apply: () => updateAttributes(admin, kind, scope, value),
      done: `Updated attributes from ${scopeText(scope)}`,
    },
    io,
  )
}

export async function deleteAttribute(
  admin: AdminClient,
  kind: AttributeKind,
  scopeFromFlags: AttributeScope,
  o: {attrFile?: string | undefined; dryRun?: boolean},
): Promise<{text: string; scope: AttributeScope}> {
  const scope = o.attrFile
    ? (await parseAttrFile(kind, await readAttrFile(o.attrFile), o.attrFile)).scope
    : scopeFromFlags
  if (o.dryRun) return {text: `skipping delete of ${kind.noun} from ${scopeText(scope)} (--dryRun)`, scope}
  await deleteAttributes(admin, kind, scope)
  return {text: `Deleted matchable resources from ${scopeText(scope)}`, scope}
}
