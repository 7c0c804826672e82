/** FlyteAdmin's request validation rules and messages (project ids, lengths, labels, identifiers). */
import type {Identifier} from '../gen/flyteidl/core/identifier_pb.js'
import {invalidArgument, missing} from './errors.js'

export const MAX_NAME_LENGTH = 64
export const MAX_DESCRIPTION_LENGTH = 300
export const MAX_LABELS = 16
export const MAX_EXECUTION_NAME_LENGTH = 63

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const EXECUTION_ID = /^[a-z][a-z\-0-9]*$/

function regexError(message: string, format: string, ...examples: string[]): string {
  const e = examples.map((x) => `'${x}'`).join(',  or ')
  return `${message} (e.g. ${e}, regex used for validation is '${format}')`
}

/** Kubernetes' IsDNS1123Label messages. */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push('must be no more than 63 characters')
  if (!DNS1123_LABEL.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        '[a-z0-9]([-a-z0-9]*[a-z0-9])?',
        'my-name',
        '123-abc',
      ),
    )
  }
  return errs
}

/** Kubernetes' IsQualifiedName messages (label keys). */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) name = parts[0]!
  else if (parts.length === 2) {
    const prefix = parts[0]!
    name = parts[1]!
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters')
      if (!DNS1123_SUBDOMAIN.test(prefix)) {
        errs.push(
          'prefix part ' +
            regexError(
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
              '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*',
              'example.com',
            ),
        )
      }
    }
  } else {
    return [
      regexError(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]',
        'MyName',
        'my.name',
        '123-abc',
      ) + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else if (name.length > 63) errs.push('name part must be no more than 63 characters')
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    errs.push(
      'name part ' +
        regexError(
          "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]',
          'MyName',
          'my.name',
          '123-abc',
        ),
    )
  }
  return errs
}

/** Kubernetes' IsValidLabelValue messages. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push('must be no more than 63 characters')
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?',
        'MyValue',
        'my_value',
        '12345',
      ),
    )
  }
  return errs
}

function goList(errs: string[]): string {
  return `[${errs.join(' ')}]`
}

export function requireString(value: string, field: string): void {
  if (value === '') throw missing(field)
}

export function maxLength(value: string, field: string, limit: number): void {
  if (value.length > limit) throw invalidArgument(`${field} cannot exceed ${limit} characters`)
}

export function validateLabels(labels: {[key: string]: string} | undefined): void {
  if (!labels) return
  const keys = Object.keys(labels)
  if (keys.length > MAX_LABELS) throw invalidArgument(`labels map cannot exceed ${MAX_LABELS} entries`)
  for (const key of keys) {
    const keyErrs = qualifiedNameErrors(key)
    if (keyErrs.length > 0) throw invalidArgument(`invalid label key [${key}]: ${goList(keyErrs)}`)
    const valueErrs = labelValueErrors(labels[key]!)
    if (valueErrs.length > 0) throw invalidArgument(`invalid label value [${labels[key]}]: ${goList(valueErrs)}`)
  }
}

export interface ProjectInput {
  id: string
  name: string
  description: string
  labels?: {values: {[key: string]: string}}
  domains: unknown[]
}

/** ValidateProject: id required + DNS-1123 label, labels, name ≤ 64, description ≤ 300, no domains. */
export function validateProject(project: ProjectInput): void {
  requireString(project.id, 'project_id')
  validateLabels(project.labels?.values)
  const errs = dns1123LabelErrors(project.id)
  if (errs.length > 0) throw invalidArgument(`invalid project id [${project.id}]: ${goList(errs)}`)
  maxLength(project.name, 'project_name', MAX_NAME_LENGTH)
  maxLength(project.description, 'project_description', MAX_DESCRIPTION_LENGTH)
  if (project.domains.length > 0) {
    throw invalidArgument(
      'Domains are currently only set system wide. Please retry without domains included in your request.',
    )
  }
}

export function validateProjectRegister(project: ProjectInput | undefined): void {
  if (!project) throw missing('project')
  requireString(project.name, 'project_name')
  validateProject(project)
}

/** ValidateIdentifierFieldsSet: project, domain, name and version are all required. */
export function validateIdentifierFields(
  id: {project: string; domain: string; name: string; version?: string} | undefined,
  field = 'id',
): void {
  if (!id) throw missing(field)
  requireString(id.project, 'project')
  requireString(id.domain, 'domain')
  requireString(id.name, 'name')
  if (id.version !== undefined) requireString(id.version, 'version')
}

const RESOURCE_TYPE_NAMES = ['unspecified', 'task', 'workflow', 'launch_plan', 'dataset']

/** ValidateIdentifier: the identifier's resource type must match the entity, then all fields set. */
export function validateIdentifier(id: Identifier | undefined, expected: number): void {
  if (!id) throw missing('id')
  if (id.resourceType !== expected) {
    throw invalidArgument(
      `unexpected resource type ${RESOURCE_TYPE_NAMES[id.resourceType] ?? id.resourceType} for identifier [${identifierText(id)}], expected ${RESOURCE_TYPE_NAMES[expected]} instead`,
    )
  }
  validateIdentifierFields(id)
}

/** Execution names: ≤ 63 characters matching ^[a-z][a-z\-0-9]*$. */
export function validateExecutionName(name: string, field = 'name'): void {
  const lower = name.toLowerCase()
  if (lower.length > MAX_EXECUTION_NAME_LENGTH) {
    throw invalidArgument(`size of ${field} exceeded length ${MAX_EXECUTION_NAME_LENGTH} : ${lower}`)
  }
  if (!EXECUTION_ID.test(lower)) {
    throw invalidArgument(`invalid ${field} format: ${lower}, does not match regex '${EXECUTION_ID.source}'`)
  }
}

const RESOURCE_TYPE_ENUM = ['UNSPECIFIED', 'TASK', 'WORKFLOW', 'LAUNCH_PLAN', 'DATASET']

/** An identifier as Go prints a proto message with %v. */
export function identifierText(id: {
  resourceType?: number
  project: string
  domain: string
  name: string
  version?: string
}): string {
  const parts: string[] = []
  if (id.resourceType) parts.push(`resource_type:${RESOURCE_TYPE_ENUM[id.resourceType] ?? id.resourceType}`)
  if (id.project) parts.push(`project:"${id.project}"`)
  if (id.domain) parts.push(`domain:"${id.domain}"`)
  if (id.name) parts.push(`name:"${id.name}"`)
  if (id.version) parts.push(`version:"${id.version}"`)
  return parts.join(' ')
}
