/**
 * POST /graphql: every query is parsed and validated against GitHub's published schema
 * (`@octokit/graphql-schema`) and executed by graphql-js over resolvers backed by the simulator
 * state. A query GitHub would reject, or a resolver answer that does not fit the schema, is a
 * recorded violation.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {GraphQLSchema} from 'graphql'
import {closingNumbers} from './model.js'
import type {GraphqlHandler} from './server.js'
import {findRepo, type SimIssue, type SimRepo, type SimState} from './state.js'
import type {Urls} from './shapes.js'

let schemaPromise: Promise<{schema: GraphQLSchema; gql: typeof import('graphql')}> | undefined

export function loadGraphqlSchema(): Promise<{schema: GraphQLSchema; gql: typeof import('graphql')}> {
  schemaPromise ??= (async () => {
    const gql = await import('graphql')
    // The introspection JSON builds about twice as fast as the SDL.
    const file = fileURLToPath(new URL('./schema.json', import.meta.resolve('@octokit/graphql-schema')))
    const json = JSON.parse(readFileSync(file, 'utf8')) as {data?: unknown}
    return {schema: gql.buildClientSchema((json.data ?? json) as never), gql}
  })()
  return schemaPromise
}

type Args = Record<string, unknown>

function connection<T>(items: T[], args: Args) {
  const start = typeof args.after === 'string' ? Number(Buffer.from(args.after, 'base64').toString()) + 1 : 0
  const first = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : 100
  const slice = items.slice(start, start + first)
  const cursor = (n: number) => Buffer.from(String(n)).toString('base64')
  return {
    totalCount: items.length,
    nodes: slice,
    edges: slice.map((node, k) => ({node, cursor: cursor(start + k)})),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursor(start) : null,
      endCursor: slice.length ? cursor(start + slice.length - 1) : null,
    },
  }
}

function actor(s: SimState, urls: Urls, login: string) {
  const u = s.users.get(login.toLowerCase())
  const type = u?.type === 'Bot' ? 'Bot' : u?.type === 'Organization' ? 'Organization' : 'User'
  return {
    __typename: type,
    login,
    url: `${urls.web}/${login}`,
    avatarUrl: `${urls.web}/avatars/${login}`,
    resourcePath: `/${login}`,
  }
}

function repoNode(s: SimState, urls: Urls, r: SimRepo): Record<string, unknown> {
  return {
    __typename: 'Repository',
    id: Buffer.from(`Repository:${r.id}`).toString('base64'),
    name: r.name,
    nameWithOwner: r.slug,
    owner: actor(s, urls, r.owner),
    url: `${urls.web}/${r.slug}`,
    isArchived: r.archived,
    defaultBranchRef: {name: r.defaultBranch, prefix: 'refs/heads/'},
    issue: ({number}: Args) => {
      const i = r.issues.get(Number(number))
      if (!i || i.pull) throw new Error(`Could not resolve to an Issue with the number of ${String(number)}.`)
      return issueNode(s, urls, r, i)
    },
    pullRequest: ({number}: Args) => {
      const i = r.issues.get(Number(number))
      if (!i?.pull) throw new Error(`Could not resolve to a PullRequest with the number of ${String(number)}.`)
      return pullNode(s, urls, r, i)
    },
    issues: (args: Args) => {
      const states = (args.states as string[] | undefined)?.map((x) => x.toLowerCase())
      const labels = (args.labels as string[] | undefined)?.map((x) => x.toLowerCase())
      const filter = (args.filterBy as Args | undefined) ?? {}
      const since = typeof filter.since === 'string' ? Date.parse(filter.since) : undefined
      const ms = filter.milestoneNumber as string | undefined
      const list = [...r.issues.values()]
        .filter((i) => !i.pull)
        .filter((i) => !states || states.includes(i.state))
        .filter((i) => !labels || i.labels.some((l) => labels.includes(l.toLowerCase())))
        .filter((i) => since === undefined || Date.parse(i.updatedAt) >= since)
        .filter(
          (i) =>
            !ms ||
            (ms === 'none' ? i.milestone === null : ms === '*' ? i.milestone !== null : i.milestone === Number(ms)),
        )
        .sort((a, b) => a.number - b.number)
      return connection(
        list.map((i) => issueNode(s, urls, r, i)),
        args,
      )
    },
    milestones: (args: Args) => {
      const states = (args.states as string[] | undefined)?.map((x) => x.toLowerCase())
      const list = [...r.milestones.values()].filter((m) => !states || states.includes(m.state))
      return connection(
        list.map((m) => milestoneNode(urls, r, m.number)),
        args,
      )
    },
  }
}

function milestoneNode(urls: Urls, r: SimRepo, number: number) {
  const m = r.milestones.get(number)!
  return {
    __typename: 'Milestone',
    id: Buffer.from(`Milestone:${m.id}`).toString('base64'),
    number: m.number,
    title: m.title,
    state: m.state.toUpperCase(),
    dueOn: m.dueOn,
    closed: m.state === 'closed',
    description: m.description,
    url: `${urls.web}/${r.slug}/milestone/${m.number}`,
  }
}

function commonIssueFields(s: SimState, urls: Urls, r: SimRepo, i: SimIssue) {
  return {
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state.toUpperCase(),
    closed: i.state === 'closed',
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    closedAt: i.closedAt,
    locked: i.locked,
    author: actor(s, urls, i.author),
    repository: () => repoNode(s, urls, r),
    milestone: i.milestone === null ? null : milestoneNode(urls, r, i.milestone),
    labels: (args: Args) =>
      connection(
        i.labels.map((name) => {
          const l = r.labels.get(name.toLowerCase())
          return {
            __typename: 'Label',
            name,
            color: l?.color ?? 'ededed',
            description: l?.description ?? null,
            id: `L_${l?.id ?? 0}`,
          }
        }),
        args,
      ),
    assignees: (args: Args) =>
      connection(
        i.assignees.map((a) => actor(s, urls, a)),
        args,
      ),
  }
}

function issueNode(s: SimState, urls: Urls, r: SimRepo, i: SimIssue) {
  return {
    __typename: 'Issue',
    id: Buffer.from(`Issue:${i.id}`).toString('base64'),
    url: `${urls.web}/${r.slug}/issues/${i.number}`,
    stateReason: i.stateReason ? i.stateReason.toUpperCase() : null,
    ...commonIssueFields(s, urls, r, i),
  }
}

function pullNode(s: SimState, urls: Urls, r: SimRepo, i: SimIssue) {
  const p = i.pull!
  return {
    __typename: 'PullRequest',
    id: Buffer.from(`PullRequest:${i.id}`).toString('base64'),
    url: `${urls.web}/${r.slug}/pull/${i.number}`,
    ...commonIssueFields(s, urls, r, i),
    state: p.merged ? 'MERGED' : i.state.toUpperCase(),
    merged: p.merged,
    mergedAt: p.mergedAt,
    isDraft: p.draft,
    baseRefName: p.base,
    headRefName: p.head,
    mergeCommit: p.mergeCommitSha ? {__typename: 'Commit', oid: p.mergeCommitSha} : null,
    closingIssuesReferences: (args: Args) =>
      connection(
        closingNumbers(r, i)
          .map((n) => r.issues.get(n))
          .filter((x): x is SimIssue => x !== undefined && !x.pull)
          .map((x) => issueNode(s, urls, r, x)),
        args,
      ),
  }
}

export const graphqlHandler: GraphqlHandler = async (body, ctx) => {
  const {schema, gql} = await loadGraphqlSchema()
  const fail = (message: string) => ({body: {errors: [{message}]}, isMutation: false})
  if (typeof body.query !== 'string') {
    ctx.record({where: 'graphql', message: 'request has no query'})
    return fail('A query attribute must be specified and must be a string.')
  }
  let doc
  try {
    doc = gql.parse(body.query)
  } catch (err) {
    ctx.record({where: 'graphql', message: `parse error: ${(err as Error).message}`})
    return fail((err as Error).message)
  }
  const errors = gql.validate(schema, doc)
  if (errors.length) {
    for (const e of errors) ctx.record({where: 'graphql', message: e.message})
    return {body: {errors: errors.map((e) => ({message: e.message, locations: e.locations}))}, isMutation: false}
  }
  const op = gql.getOperationAST(doc, body.operationName)
  const isMutation = op?.operation === 'mutation'
  const s = ctx.state
  const root = {
    repository: ({owner, name}: Args) => {
      const r = findRepo(s, String(owner), String(name))
      if (!r) throw new Error(`Could not resolve to a Repository with the name '${String(owner)}/${String(name)}'.`)
      return repoNode(s, ctx.urls, r)
    },
    rateLimit: () => ({
      cost: 1,
      limit: 5000,
      remaining: 4999,
      used: 1,
      nodeCount: 0,
      resetAt: new Date(Date.now() + 3600_000).toISOString(),
    }),
    viewer: () => actor(s, ctx.urls, 'simulator'),
  }
  const result = await gql.execute({
    schema,
    document: doc,
    rootValue: root,
    variableValues: body.variables,
    operationName: body.operationName,
  })
  const out: Record<string, unknown> = {data: result.data ?? null}
  if (result.errors?.length) {
    const notFound = result.errors.filter((e) => e.path && e.message.startsWith('Could not resolve'))
    for (const e of result.errors)
      if (!notFound.includes(e))
        ctx.record({where: 'graphql', message: `execution: ${e.message} at ${e.path?.join('.')}`})
    // GitHub's shape: a typed error per failed path (NOT_FOUND for missing objects).
    out.errors = result.errors.map((e) => ({
      type: notFound.includes(e) ? 'NOT_FOUND' : 'INTERNAL',
      path: e.path,
      locations: e.locations,
      message: e.message,
    }))
  }
  return {body: out, isMutation}
}
