/**
 * The small part of @oclif/core's runtime that flytectl's commands use (Command, Flags, Args),
 * without oclif's module graph. The bundle (scripts/bundle.js) maps `@oclif/core` to this module,
 * so a command starts in a few milliseconds; oclif itself renders help at build time, writes the
 * manifest and handles whatever this parser does not (it throws {@link UseOclif} and bin/run.js
 * hands the same argv to oclif, which prints oclif's own message).
 *
 * The parser accepts the common, unambiguous forms only: `--name value`, `--name=value`, `-c value`,
 * `-cvalue`, booleans, `--no-name`, `--`, positional args. It reports an unknown flag (with the
 * closest known one) and a missing argument (by name) itself, as usage errors (exit 2). Anything
 * else (a repeated flag, a missing required flag, a value outside `options` or refused by its
 * parser, exclusive or dependent flags broken, greedy multi-value flags, deprecated flags) goes to
 * oclif.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import {closest} from '../config/keys.js'
import {CliError} from './errors.js'

/** Thrown when oclif's full parser must decide (bin/run.js re-runs the argv through oclif). */
export class UseOclif extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'UseOclif'
  }
}

/** Same shape as oclif's ExitError: `err.oclif.exit` carries the code. */
export class ExitError extends Error {
  oclif: {exit: number}
  constructor(code: number) {
    super(`EEXIT: ${code}`)
    this.oclif = {exit: code}
  }
}

type Parse = (input: any, ctx: any, opts: any) => Promise<any>
interface FlagDef {
  name?: string
  type: 'boolean' | 'option'
  char?: string
  aliases?: string[]
  charAliases?: string[]
  allowNo?: boolean
  multiple?: boolean
  multipleNonGreedy?: boolean
  delimiter?: string
  options?: readonly string[]
  default?: unknown
  env?: string
  required?: boolean
  exclusive?: string[]
  dependsOn?: string[]
  relationships?: unknown
  deprecated?: unknown
  deprecateAliases?: boolean
  allowStdin?: unknown
  parse?: Parse
  [k: string]: unknown
}
interface ArgDef {
  name?: string
  required?: boolean
  options?: readonly string[]
  default?: unknown
  parse?: Parse
  [k: string]: unknown
}

function integerParse(input: string, _ctx: unknown, opts: {min?: number; max?: number}): Promise<number> {
  if (!/^-?\d+$/.test(input)) return Promise.reject(new UseOclif('not an integer'))
  const num = Number.parseInt(input, 10)
  if ((opts.min !== undefined && num < opts.min) || (opts.max !== undefined && num > opts.max)) {
    return Promise.reject(new UseOclif('integer out of range'))
  }
  return Promise.resolve(num)
}
const identity: Parse = async (i) => i

function custom(defaults: Record<string, unknown> = {}) {
  return (options: Record<string, unknown> = {}) => ({
    parse: identity,
    ...defaults,
    ...options,
    input: [],
    multiple: Boolean(options.multiple === undefined ? (defaults.multiple ?? false) : options.multiple),
    type: 'option',
  })
}

export const Flags = {
  string: custom(),
  integer: custom({parse: integerParse}),
  custom,
  option: custom,
  boolean: (options: Record<string, unknown> = {}) => ({
    parse: async (b: boolean) => b,
    ...options,
    allowNo: Boolean(options.allowNo),
    type: 'boolean',
  }),
} as any

function argCustom(defaults: Record<string, unknown> = {}) {
  return (options: Record<string, unknown> = {}) => ({
    parse: identity,
    ...defaults,
    ...options,
    input: [],
    type: 'option',
  })
}
export const Args = {
  string: argCustom(),
  integer: argCustom({parse: integerParse}),
  custom: argCustom,
} as any

export interface LiteConfig {
  bin: string
  name: string
  version: string
  root: string
}

export interface Parsed {
  flags: Record<string, unknown>
  args: Record<string, unknown>
  argv: unknown[]
  raw: unknown[]
  nonExistentFlags: string[]
  metadata: {flags: Record<string, {setFromDefault?: boolean}>}
}

const jsonFlag: FlagDef = {
  type: 'boolean',
  description: 'Format output as json.',
  helpGroup: 'GLOBAL',
  allowNo: false,
  parse: async (b) => b,
}

/** An unknown flag of a strict command names the closest known one (others pass unknown flags on). */
function unknownFlag(token: string, key: string | undefined, known: string[], strict: boolean): Error {
  if (!strict) return new UseOclif(`unknown flag ${token} of a command that passes them on`)
  const near = key === undefined ? undefined : closest(key, known)
  return new CliError('usage', `unknown flag ${token}${near ? `; did you mean --${near}?` : ''}`)
}

/** A value a flag's or arg's own parser refuses: oclif words the error. */
async function parseOrDecline(parse: Parse, input: unknown, context: unknown, def: unknown): Promise<unknown> {
  try {
    return await parse(input, context, def)
  } catch {
    throw new UseOclif('value refused by its parser')
  }
}

/** oclif's argv parser for the forms listed at the top of this file. */
export async function parseArgv(
  argvIn: string[],
  opts: {
    flags?: Record<string, FlagDef>
    baseFlags?: Record<string, FlagDef>
    args?: Record<string, ArgDef>
    strict?: boolean
    enableJsonFlag?: boolean
  },
  context: unknown,
): Promise<Parsed> {
  const flags: Record<string, FlagDef> = {...opts.baseFlags, ...opts.flags}
  if (opts.enableJsonFlag) flags.json = jsonFlag
  for (const [name, f] of Object.entries(flags)) {
    if (f.deprecated || f.deprecateAliases || f.relationships || f.allowStdin || f.delimiter) {
      throw new UseOclif(`flag --${name} needs oclif`)
    }
  }
  const byLong = new Map<string, {name: string; negated: boolean}>()
  const byChar = new Map<string, string>()
  for (const [name, f] of Object.entries(flags)) {
    byLong.set(name, {name, negated: false})
    for (const a of f.aliases ?? []) byLong.set(a, {name, negated: false})
    if (f.type === 'boolean' && f.allowNo) byLong.set(`no-${name}`, {name, negated: true})
    if (f.char) byChar.set(f.char, name)
    for (const c of f.charAliases ?? []) byChar.set(c, name)
  }
  const argDefs = Object.entries(opts.args ?? {})
  const strict = opts.strict !== false
  const given = new Map<string, string[] | boolean>()
  const positional: string[] = []
  const raw: unknown[] = []
  const argv = [...argvIn]
  let parsingFlags = true
  while (argv.length > 0) {
    const token = argv.shift()!
    if (parsingFlags && token === '--') {
      parsingFlags = false
      continue
    }
    if (parsingFlags && token.startsWith('-') && token !== '-') {
      let name: string | undefined
      let negated = false
      let inline: string | undefined
      if (token.startsWith('--')) {
        const eq = token.indexOf('=')
        const key = eq === -1 ? token.slice(2) : token.slice(2, eq)
        const hit = byLong.get(key)
        if (!hit) throw unknownFlag(token, key, [...byLong.keys()], strict)
        name = hit.name
        negated = hit.negated
        if (eq !== -1) inline = token.slice(eq + 1)
      } else {
        name = byChar.get(token[1]!)
        if (!name) throw unknownFlag(token, undefined, [], strict)
        if (token.length > 2) {
          if (flags[name]!.type === 'boolean' || token[2] === '=') throw new UseOclif(`short flag form ${token}`)
          inline = token.slice(2)
        }
      }
      const f = flags[name]!
      if (f.type === 'boolean') {
        if (inline !== undefined || given.has(name)) throw new UseOclif(`boolean flag form ${token}`)
        given.set(name, !negated)
        raw.push({type: 'flag', flag: name, input: token})
        continue
      }
      let value = inline
      if (value === undefined) {
        value = argv.shift()
        if (value === undefined || (value.startsWith('-') && value !== '-' && !/^-\d/.test(value))) {
          throw new UseOclif(`flag ${token} without a value`)
        }
      }
      const prev = given.get(name)
      if (prev !== undefined && !f.multiple) throw new UseOclif(`flag --${name} given twice`)
      given.set(name, [...((prev as string[] | undefined) ?? []), value])
      raw.push({type: 'flag', flag: name, input: value})
      if (f.multiple && !f.multipleNonGreedy && argv.length > 0 && !argv[0]!.startsWith('-')) {
        throw new UseOclif(`greedy values after --${name}`)
      }
      continue
    }
    positional.push(token)
    raw.push({type: 'arg', arg: argDefs[positional.length - 1]?.[0], input: token})
  }
  if (strict && positional.length > argDefs.length) throw new UseOclif('unexpected argument')

  const out: Record<string, unknown> = {}
  const metadata: Parsed['metadata'] = {flags: {}}
  for (const [name, f] of Object.entries(flags)) {
    let v = given.get(name)
    if (v === undefined && f.env && process.env[f.env] !== undefined) {
      const envValue = process.env[f.env]!
      v = f.type === 'boolean' ? ['1', 'true', 'yes', 'y', 'on'].includes(envValue.toLowerCase()) : [envValue]
    }
    if (v === undefined) {
      if (f.required) throw new UseOclif(`missing --${name}`)
      if (f.default !== undefined) {
        const d =
          typeof f.default === 'function'
            ? await (f.default as (o: unknown) => unknown)({options: f, flags: out})
            : f.default
        if (d !== undefined) {
          out[name] = d
          metadata.flags[name] = {setFromDefault: true}
        }
      }
      continue
    }
    if (f.type === 'boolean') {
      out[name] = f.parse ? await parseOrDecline(f.parse, v, context, f) : v
      continue
    }
    const values = v as string[]
    for (const value of values)
      if (f.options && !f.options.includes(value)) throw new UseOclif(`--${name} not in options`)
    const parsed = await Promise.all(
      values.map((value) => (f.parse ? parseOrDecline(f.parse, value, context, f) : value)),
    )
    out[name] = f.multiple ? parsed : parsed[0]
  }
  for (const [name, f] of Object.entries(flags)) {
    if (!given.has(name)) continue
    if (f.exclusive?.some((x) => given.has(x))) throw new UseOclif(`--${name} is exclusive`)
    if (f.dependsOn?.some((x) => !given.has(x))) throw new UseOclif(`--${name} depends on another flag`)
  }

  const args: Record<string, unknown> = {}
  const values: unknown[] = [...positional]
  for (let i = 0; i < argDefs.length; i++) {
    const [name, a] = argDefs[i]!
    const input = positional[i]
    if (input === undefined) {
      if (a.required) {
        const what = typeof a.description === 'string' ? ` (${a.description})` : ''
        throw new CliError('usage', `missing required argument ${name.toUpperCase()}${what}`)
      }
      if (a.default !== undefined) {
        args[name] = typeof a.default === 'function' ? await (a.default as () => unknown)() : a.default
      }
      continue
    }
    if (a.options && !a.options.includes(input)) throw new UseOclif(`argument ${name} not in options`)
    args[name] = a.parse ? await parseOrDecline(a.parse, input, context, a) : input
    values[i] = args[name]
  }
  return {flags: out, args, argv: values, raw, nonExistentFlags: [], metadata}
}

/** oclif's Command, as far as flytectl's commands use it. */
export abstract class Command {
  static id: string
  static summary?: string
  static description?: string
  static examples?: unknown[]
  static aliases: string[] = []
  static hiddenAliases: string[] = []
  static flags: Record<string, any> = {}
  static baseFlags: Record<string, any> = {}
  static args: Record<string, any> = {}
  static strict = true
  static enableJsonFlag = false
  static hidden?: boolean

  id: string
  constructor(
    public argv: string[],
    public config: LiteConfig,
  ) {
    this.id = this.ctor.id
  }

  get ctor(): typeof Command {
    return this.constructor as typeof Command
  }

  abstract run(): Promise<unknown>

  async init(): Promise<void> {}

  protected async parse(options?: any, argv: string[] = this.argv): Promise<any> {
    const o = options ?? this.ctor
    try {
      return await parseArgv(
        argv,
        {flags: o.flags, baseFlags: o.baseFlags, args: o.args, strict: o.strict, enableJsonFlag: o.enableJsonFlag},
        this,
      )
    } catch (err) {
      if (!(err instanceof CliError)) throw err
      const help = `flytectl ${this.id.replaceAll(':', ' ')} --help`
      throw new CliError(err.code, err.message, {hint: `Run \`${help}\` to see its arguments and flags.`})
    }
  }

  jsonEnabled(): boolean {
    if (!this.ctor.enableJsonFlag) return false
    if (process.env.FLYTECTL_CONTENT_TYPE?.toLowerCase() === 'json') return true
    const dd = this.argv.indexOf('--')
    const j = this.argv.indexOf('--json')
    return j !== -1 && (dd === -1 || j < dd)
  }

  log(message = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(message + '\n')
  }

  logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  exit(code = 0): never {
    throw new ExitError(code)
  }

  protected toSuccessJson(result: unknown): unknown {
    return result
  }

  protected toErrorJson(err: unknown): unknown {
    return {error: err}
  }

  protected async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (this.jsonEnabled()) {
      process.exitCode = process.exitCode ?? err.exitCode ?? 1
      this.logJson(this.toErrorJson(err))
      return undefined
    }
    throw err
  }

  protected async finally(_err: Error | undefined): Promise<unknown> {
    return undefined
  }

  async _run(): Promise<unknown> {
    let err: Error | undefined
    let result: unknown
    try {
      await this.init()
      result = await this.run()
    } catch (error) {
      if (error instanceof UseOclif) throw error
      err = error as Error
      await this.catch(error as Error)
    } finally {
      await this.finally(err)
    }
    if (result && this.jsonEnabled()) this.logJson(this.toSuccessJson(result))
    return result
  }
}
