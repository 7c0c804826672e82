/** REST handlers of the simulated subset, keyed by GitHub's own "METHOD /path/template". */
import {HttpError, type Handler, type HandlerContext} from './server.js'
import * as shape from './shapes.js'
import {findRepo, iso, ensureUser, repoIdentity, type SimIssue, type SimRepo, type SimState} from './state.js'
import {mergePull, pullFacts, recordEvent} from './model.js'

function repoOf(ctx: HandlerContext): SimRepo {
  const r = findRepo(ctx.state, ctx.params.owner!, ctx.params.repo!)
  if (!r) throw new HttpError(404, 'Not Found')
  return r
}

function notFound(): never {
  throw new HttpError(404, 'Not Found')
}

function invalid(resource: string, field: string, code = 'invalid', message?: string): never {
  throw new HttpError(422, 'Validation Failed', {
    errors: [{resource, field, code, ...(message ? {message} : {})}],
    status: '422',
  })
}

/** page/per_page slicing with a GitHub-style Link header. */
function page<T>(ctx: HandlerContext, items: T[], path: string): {items: T[]; headers: Record<string, string>} {
  const perPage = Math.min(Number(ctx.query.per_page ?? 30) || 30, 100)
  const pageNo = Math.max(Number(ctx.query.page ?? 1) || 1, 1)
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage)
  const last = Math.max(Math.ceil(items.length / perPage), 1)
  const links: string[] = []
  const at = (p: number): string => {
    const q = new URLSearchParams({...ctx.query, per_page: String(perPage), page: String(p)})
    return `<${ctx.urls.api}${path}?${q.toString()}>`
  }
  if (pageNo < last) links.push(`${at(pageNo + 1)}; rel="next"`, `${at(last)}; rel="last"`)
  if (pageNo > 1) links.push(`${at(1)}; rel="first"`, `${at(pageNo - 1)}; rel="prev"`)
  return {items: slice, headers: links.length ? {link: links.join(', ')} : {}}
}

function ok(body: unknown, headers: Record<string, string> = {}, status = 200) {
  return {status, body, headers}
}

/** One page of `items` (Link headers included), each shaped for the response in order. */
async function okPage<T>(
  ctx: HandlerContext,
  items: T[],
  path: string,
  shapeItem: (item: T) => unknown = (item) => item,
): Promise<ReturnType<typeof ok>> {
  const p = page(ctx, items, path)
  const body = []
  for (const item of p.items) body.push(await shapeItem(item))
  return ok(body, p.headers)
}

function issueOf(r: SimRepo, n: string | undefined): SimIssue {
  const i = r.issues.get(Number(n))
  if (!i) notFound()
  return i
}

function pullOf(r: SimRepo, n: string | undefined): SimIssue {
  const i = issueOf(r, n)
  if (!i.pull) notFound()
  return i
}

async function pullBody(s: SimState, ctx: HandlerContext, r: SimRepo, i: SimIssue, full: boolean) {
  return shape.pull(s, ctx.urls, r, i, await pullFacts(r, i, full), full)
}

function touch(s: SimState, i: SimIssue): void {
  i.updatedAt = iso(s.now())
}

function fmtLabels(r: SimRepo, names: string[], ctx: HandlerContext) {
  return names.map((n) => shape.labelByName(ctx.state, ctx.urls, r, n))
}

function ensureLabel(s: SimState, r: SimRepo, name: string): string {
  const found = r.labels.get(name.toLowerCase())
  if (found) return found.name
  r.labels.set(name.toLowerCase(), {id: s.nextId(), name, color: 'ededed', description: null})
  return name
}

export const routes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}': (ctx) => ok(shape.repository(ctx.state, ctx.urls, repoOf(ctx), true)),

  'GET /repos/{owner}/{repo}/branches': async (ctx) => {
    const r = repoOf(ctx)
    const refs = await r.git.refs('refs/heads/')
    const all = refs.map((x) => shape.shortBranch(ctx.urls, r, x.ref.slice('refs/heads/'.length), x.sha))
    return okPage(ctx, all, `/repos/${r.slug}/branches`)
  },

  'GET /repos/{owner}/{repo}/tags': async (ctx) => {
    const r = repoOf(ctx)
    const refs = await r.git.refs('refs/tags/')
    // GitHub lists tags newest name first.
    const all = refs
      .map((x) => ({name: x.ref.slice('refs/tags/'.length), sha: x.peeled}))
      .sort((a, b) => b.name.localeCompare(a.name, 'en', {numeric: true}))
      .map((x) => shape.tag(ctx.urls, r, x.name, x.sha))
    return okPage(ctx, all, `/repos/${r.slug}/tags`)
  },

  'GET /repos/{owner}/{repo}/git/ref/{ref}': async (ctx) => {
    const r = repoOf(ctx)
    const ref = `refs/${ctx.params.ref}`
    const all = await r.git.refs('refs/')
    const found = all.find((x) => x.ref === ref)
    if (!found) notFound()
    return ok(shape.gitRef(ctx.urls, r, found.ref, found.sha, found.type))
  },

  'GET /repos/{owner}/{repo}/git/matching-refs/{ref}': async (ctx) => {
    const r = repoOf(ctx)
    const prefix = `refs/${ctx.params.ref}`
    const all = await r.git.refs('refs/')
    return ok(all.filter((x) => x.ref.startsWith(prefix)).map((x) => shape.gitRef(ctx.urls, r, x.ref, x.sha, x.type)))
  },

  'POST /repos/{owner}/{repo}/git/refs': async (ctx) => {
    const r = repoOf(ctx)
    const ref = String(ctx.body.ref ?? '')
    const sha = String(ctx.body.sha ?? '')
    if (!/^refs\/.+/.test(ref) || ref.split('/').length < 3)
      invalid('Reference', 'ref', 'invalid', 'ref must start with refs/ and have at least two slashes')
    const type = await r.git.objectType(sha)
    if (!type) invalid('Reference', 'sha', 'invalid', 'Object does not exist')
    if (await r.git.refSha(ref)) throw new HttpError(422, 'Reference already exists', {status: '422'})
    await r.git.updateRef(ref, sha, '')
    return ok(shape.gitRef(ctx.urls, r, ref, sha, type), {location: `${ctx.urls.api}/repos/${r.slug}/git/${ref}`}, 201)
  },

  'PATCH /repos/{owner}/{repo}/git/refs/{ref}': async (ctx) => {
    const r = repoOf(ctx)
    const ref = `refs/${ctx.params.ref}`
    const sha = String(ctx.body.sha ?? '')
    const old = await r.git.refSha(ref)
    if (!old) invalid('Reference', 'ref', 'invalid', 'Reference does not exist')
    if (!ctx.body.force && !(await r.git.isAncestor(old, sha)))
      throw new HttpError(422, 'Update is not a fast forward', {status: '422'})
    await r.git.updateRef(ref, sha, old)
    return ok(shape.gitRef(ctx.urls, r, ref, sha, (await r.git.objectType(sha)) ?? 'commit'))
  },

  'GET /repos/{owner}/{repo}/git/tags/{tag_sha}': async (ctx) => {
    const r = repoOf(ctx)
    const t = await r.git.readTag(ctx.params.tag_sha!)
    if (!t) notFound()
    return ok(shape.gitTag(ctx.urls, r, ctx.params.tag_sha!, t))
  },

  'POST /repos/{owner}/{repo}/git/tags': async (ctx) => {
    const r = repoOf(ctx)
    const object = String(ctx.body.object ?? '')
    if (!(await r.git.objectType(object))) invalid('Tag', 'object', 'invalid', 'Object does not exist')
    const tagger = (ctx.body.tagger as {name?: string; email?: string; date?: string} | undefined) ?? {}
    const who = repoIdentity(ctx.state, ctx.caller)
    const sha = await r.git.tagObject(String(ctx.body.tag), object, String(ctx.body.message ?? ''), {
      name: tagger.name ?? who.name,
      email: tagger.email ?? who.email,
      date: tagger.date ?? iso(ctx.state.now()),
    })
    const t = await r.git.readTag(sha)
    return ok(shape.gitTag(ctx.urls, r, sha, t!), {}, 201)
  },

  'GET /repos/{owner}/{repo}/commits/{ref}': async (ctx) => {
    const r = repoOf(ctx)
    const c = await r.git.commit(ctx.params.ref!)
    if (!c) throw new HttpError(422, `No commit found for SHA: ${ctx.params.ref}`, {status: '422'})
    return ok(shape.commit(ctx.state, ctx.urls, r, c, await r.git.changes(c.sha)))
  },

  'GET /repos/{owner}/{repo}/commits': async (ctx) => {
    const r = repoOf(ctx)
    const head = await r.git.resolve(ctx.query.sha ?? r.defaultBranch)
    if (!head) return ok([])
    const shas = (await r.git.revList(undefined, head)).reverse()
    return okPage(ctx, shas, `/repos/${r.slug}/commits`, async (sha) =>
      shape.commit(ctx.state, ctx.urls, r, (await r.git.commit(sha))!),
    )
  },

  'GET /repos/{owner}/{repo}/compare/{basehead}': async (ctx) => {
    const r = repoOf(ctx)
    const [base, head] = ctx.params.basehead!.split('...')
    const baseSha = base ? await r.git.resolve(base) : undefined
    const headSha = head ? await r.git.resolve(head) : undefined
    if (!baseSha || !headSha) notFound()
    const mergeBase = (await r.git.mergeBase(baseSha, headSha)) ?? baseSha
    const ahead = await r.git.revList(baseSha, headSha)
    const behind = await r.git.revList(headSha, baseSha)
    const p = page(ctx, ahead, `/repos/${r.slug}/compare/${ctx.params.basehead}`)
    const commits = []
    for (const sha of p.items) commits.push(shape.commit(ctx.state, ctx.urls, r, (await r.git.commit(sha))!))
    const status =
      ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical'
    const html = `${ctx.urls.web}/${r.slug}/compare/${ctx.params.basehead}`
    const files = (await r.git.diffStat(mergeBase, headSha)).map((f) => ({
      sha: headSha,
      filename: f.file,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      blob_url: `${ctx.urls.web}/${r.slug}/blob/${headSha}/${f.file}`,
      raw_url: `${ctx.urls.web}/${r.slug}/raw/${headSha}/${f.file}`,
      contents_url: `${ctx.urls.api}/repos/${r.slug}/contents/${f.file}?ref=${headSha}`,
    }))
    return ok(
      {
        url: `${ctx.urls.api}/repos/${r.slug}/compare/${ctx.params.basehead}`,
        html_url: html,
        permalink_url: `${ctx.urls.web}/${r.slug}/compare/${baseSha}...${headSha}`,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: shape.commit(ctx.state, ctx.urls, r, (await r.git.commit(baseSha))!),
        merge_base_commit: shape.commit(ctx.state, ctx.urls, r, (await r.git.commit(mergeBase))!),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits,
        files,
      },
      p.headers,
    )
  },

  'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': async (ctx) => {
    const r = repoOf(ctx)
    const sha = await r.git.resolve(ctx.params.commit_sha!)
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.commit_sha}`, {status: '422'})
    const out = []
    for (const i of r.issues.values()) {
      if (!i.pull) continue
      const p = i.pull
      let hit = p.mergeCommitSha === sha || p.landed.includes(sha)
      if (!hit && p.merged && p.headSha && p.baseShaAtMerge) {
        hit = (await r.git.revList(p.baseShaAtMerge, p.headSha)).includes(sha)
      }
      if (!hit && i.state === 'open') {
        const head = await r.git.resolve(`refs/heads/${p.head}`)
        hit = head !== undefined && (await r.git.revList(`refs/heads/${p.base}`, head)).includes(sha)
      }
      if (hit) out.push(await pullBody(ctx.state, ctx, r, i, false))
    }
    return ok(out)
  },

  'GET /repos/{owner}/{repo}/contents/{path}': async (ctx) => {
    const r = repoOf(ctx)
    const ref = ctx.query.ref ?? r.defaultBranch
    const blob = await r.git.blob(ref, ctx.params.path!)
    if (!blob) notFound()
    return ok(shape.contentFile(ctx.urls, r, ctx.params.path!, ref, blob))
  },

  'PUT /repos/{owner}/{repo}/contents/{path}': async (ctx) => {
    const r = repoOf(ctx)
    const file = ctx.params.path!
    const branch = String(ctx.body.branch ?? r.defaultBranch)
    const tip = await r.git.refSha(`refs/heads/${branch}`)
    if (!tip) throw new HttpError(404, `Branch ${branch} not found`)
    const existing = await r.git.blob(tip, file)
    const given = ctx.body.sha as string | undefined
    if (existing && given !== existing.sha) {
      throw new HttpError(
        409,
        given ? `${file} does not match ${given}` : `Invalid request.\n\n"sha" wasn't supplied.`,
        {status: '409'},
      )
    }
    if (!existing && given) throw new HttpError(409, `${file} does not match ${given}`, {status: '409'})
    const text = Buffer.from(String(ctx.body.content ?? ''), 'base64').toString('utf8')
    const committer =
      (ctx.body.committer as {name: string; email: string} | undefined) ?? repoIdentity(ctx.state, ctx.caller)
    const author = (ctx.body.author as {name: string; email: string} | undefined) ?? committer
    const sha = await r.git.commitFiles(branch, {[file]: text}, String(ctx.body.message), {
      ...author,
      date: iso(ctx.state.now()),
    })
    const c = (await r.git.commit(sha))!
    const blob = (await r.git.blob(sha, file))!
    return ok(shape.fileCommit(ctx.urls, r, file, blob.sha, blob.content.length, c), {}, existing ? 200 : 201)
  },

  'GET /repos/{owner}/{repo}/issues': (ctx) => {
    const r = repoOf(ctx)
    const state = ctx.query.state ?? 'open'
    const labels = ctx.query.labels ? ctx.query.labels.split(',').map((l) => l.trim().toLowerCase()) : []
    const ms = ctx.query.milestone
    const since = ctx.query.since ? Date.parse(ctx.query.since) : undefined
    const direction = ctx.query.direction ?? 'desc'
    const sort = ctx.query.sort ?? 'created'
    let list = [...r.issues.values()].filter((i) => {
      if (state !== 'all' && i.state !== state) return false
      if (labels.length && !labels.every((l) => i.labels.some((x) => x.toLowerCase() === l))) return false
      if (ms === 'none' && i.milestone !== null) return false
      if (ms === '*' && i.milestone === null) return false
      if (ms && ms !== 'none' && ms !== '*' && i.milestone !== Number(ms)) return false
      if (ctx.query.assignee && ctx.query.assignee !== '*' && !i.assignees.includes(ctx.query.assignee)) return false
      if (ctx.query.creator && i.author !== ctx.query.creator) return false
      if (since !== undefined && Date.parse(i.updatedAt) < since) return false
      return true
    })
    const key = (i: SimIssue) => Date.parse(sort === 'updated' ? i.updatedAt : i.createdAt) * 1e6 + i.number
    list = list.sort((a, b) => (direction === 'asc' ? key(a) - key(b) : key(b) - key(a)))
    return okPage(ctx, list, `/repos/${r.slug}/issues`, (i) => shape.issue(ctx.state, ctx.urls, r, i))
  },

  'POST /repos/{owner}/{repo}/issues': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const number = r.nextNumber++
    const now = iso(s.now())
    const i: SimIssue = {
      id: s.nextId(),
      number,
      title: String(ctx.body.title),
      body: String(ctx.body.body ?? ''),
      state: 'open',
      stateReason: null,
      labels: ((ctx.body.labels as string[] | undefined) ?? []).map((l) =>
        ensureLabel(s, r, typeof l === 'string' ? l : String((l as {name: string}).name)),
      ),
      assignees: (ctx.body.assignees as string[] | undefined) ?? [],
      milestone: (ctx.body.milestone as number | undefined) ?? null,
      author: ctx.caller,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      locked: false,
      events: [],
      closingIssues: [],
    }
    r.issues.set(number, i)
    return ok(shape.issue(s, ctx.urls, r, i), {}, 201)
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}': (ctx) => {
    const r = repoOf(ctx)
    return ok(shape.issue(ctx.state, ctx.urls, r, issueOf(r, ctx.params.issue_number)))
  },

  'PATCH /repos/{owner}/{repo}/issues/{issue_number}': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const i = issueOf(r, ctx.params.issue_number)
    applyIssuePatch(s, r, i, ctx.body, ctx.caller)
    return ok(shape.issue(s, ctx.urls, r, i))
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const i = issueOf(r, ctx.params.issue_number)
    const given = (Array.isArray(ctx.body.labels) ? ctx.body.labels : []) as (string | {name: string})[]
    for (const l of given) {
      const name = ensureLabel(s, r, typeof l === 'string' ? l : l.name)
      if (!i.labels.some((x) => x.toLowerCase() === name.toLowerCase())) {
        i.labels.push(name)
        recordEvent(s, r, i, {
          event: 'labeled',
          actor: ctx.caller,
          label: {name, color: r.labels.get(name.toLowerCase())!.color},
        })
      }
    }
    touch(s, i)
    return ok(fmtLabels(r, i.labels, ctx))
  },

  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const i = issueOf(r, ctx.params.issue_number)
    const name = ctx.params.name!.toLowerCase()
    const at = i.labels.findIndex((x) => x.toLowerCase() === name)
    if (at < 0) throw new HttpError(404, 'Label does not exist')
    const [removed] = i.labels.splice(at, 1)
    recordEvent(s, r, i, {
      event: 'unlabeled',
      actor: ctx.caller,
      label: {name: removed!, color: r.labels.get(name)?.color ?? 'ededed'},
    })
    touch(s, i)
    return ok(fmtLabels(r, i.labels, ctx))
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}/timeline': (ctx) => {
    const r = repoOf(ctx)
    const i = issueOf(r, ctx.params.issue_number)
    return okPage(ctx, i.events, `/repos/${r.slug}/issues/${i.number}/timeline`, (e) =>
      shape.timelineEvent(ctx.state, ctx.urls, r, i, e),
    )
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': (ctx) => {
    const r = repoOf(ctx)
    const i = issueOf(r, ctx.params.issue_number)
    const list = [...r.comments.values()].filter((c) => c.issueNumber === i.number)
    return okPage(ctx, list, `/repos/${r.slug}/issues/${i.number}/comments`, (c) =>
      shape.comment(ctx.state, ctx.urls, r, c),
    )
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const i = issueOf(r, ctx.params.issue_number)
    const now = iso(s.now())
    const c = {
      id: s.nextId(),
      issueNumber: i.number,
      body: String(ctx.body.body),
      author: ctx.caller,
      createdAt: now,
      updatedAt: now,
    }
    r.comments.set(c.id, c)
    recordEvent(s, r, i, {event: 'commented', actor: ctx.caller, commentId: c.id})
    touch(s, i)
    return ok(shape.comment(s, ctx.urls, r, c), {}, 201)
  },

  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': (ctx) => {
    const r = repoOf(ctx)
    const c = r.comments.get(Number(ctx.params.comment_id))
    if (!c) notFound()
    c.body = String(ctx.body.body)
    c.updatedAt = iso(ctx.state.now())
    return ok(shape.comment(ctx.state, ctx.urls, r, c))
  },

  'GET /repos/{owner}/{repo}/labels': (ctx) => {
    const r = repoOf(ctx)
    return okPage(ctx, [...r.labels.values()], `/repos/${r.slug}/labels`, (l) => shape.label(ctx.urls, r, l))
  },

  'GET /repos/{owner}/{repo}/labels/{name}': (ctx) => {
    const r = repoOf(ctx)
    const l = r.labels.get(ctx.params.name!.toLowerCase())
    if (!l) notFound()
    return ok(shape.label(ctx.urls, r, l))
  },

  'POST /repos/{owner}/{repo}/labels': (ctx) => {
    const r = repoOf(ctx)
    const name = String(ctx.body.name)
    if (r.labels.has(name.toLowerCase())) invalid('Label', 'name', 'already_exists')
    const l = {
      id: ctx.state.nextId(),
      name,
      color: String(ctx.body.color ?? 'ededed').replace(/^#/, ''),
      description: (ctx.body.description as string | undefined) ?? null,
    }
    r.labels.set(name.toLowerCase(), l)
    return ok(shape.label(ctx.urls, r, l), {}, 201)
  },

  'GET /repos/{owner}/{repo}/milestones': (ctx) => {
    const r = repoOf(ctx)
    const state = ctx.query.state ?? 'open'
    const list = [...r.milestones.values()].filter((m) => state === 'all' || m.state === state)
    return okPage(ctx, list, `/repos/${r.slug}/milestones`, (m) => shape.milestone(ctx.state, ctx.urls, r, m))
  },

  'POST /repos/{owner}/{repo}/milestones': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const title = String(ctx.body.title)
    if ([...r.milestones.values()].some((m) => m.title === title)) invalid('Milestone', 'title', 'already_exists')
    const now = iso(s.now())
    const state = (ctx.body.state as 'open' | 'closed' | undefined) ?? 'open'
    const m = {
      id: s.nextId(),
      number: r.nextMilestone++,
      title,
      description: (ctx.body.description as string | undefined) ?? null,
      state,
      dueOn: (ctx.body.due_on as string | undefined) ? iso(new Date(String(ctx.body.due_on))) : null,
      creator: ctx.caller,
      createdAt: now,
      updatedAt: now,
      closedAt: state === 'closed' ? now : null,
    }
    r.milestones.set(m.number, m)
    return ok(shape.milestone(s, ctx.urls, r, m), {}, 201)
  },

  'PATCH /repos/{owner}/{repo}/milestones/{milestone_number}': (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const m = r.milestones.get(Number(ctx.params.milestone_number))
    if (!m) notFound()
    const now = iso(s.now())
    if (typeof ctx.body.title === 'string') m.title = ctx.body.title
    if (typeof ctx.body.description === 'string') m.description = ctx.body.description
    if (typeof ctx.body.due_on === 'string') m.dueOn = iso(new Date(ctx.body.due_on))
    if (ctx.body.state === 'open' || ctx.body.state === 'closed') {
      if (m.state !== ctx.body.state) m.closedAt = ctx.body.state === 'closed' ? now : null
      m.state = ctx.body.state
    }
    m.updatedAt = now
    return ok(shape.milestone(s, ctx.urls, r, m))
  },

  'GET /repos/{owner}/{repo}/pulls': async (ctx) => {
    const r = repoOf(ctx)
    const state = ctx.query.state ?? 'open'
    const head = ctx.query.head
    const list = [...r.issues.values()]
      .filter((i) => i.pull)
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => !ctx.query.base || i.pull!.base === ctx.query.base)
      .filter((i) => !head || `${r.owner}:${i.pull!.head}`.toLowerCase() === head.toLowerCase())
      .sort((a, b) => b.number - a.number)
    return okPage(ctx, list, `/repos/${r.slug}/pulls`, async (i) => await pullBody(ctx.state, ctx, r, i, false))
  },

  'POST /repos/{owner}/{repo}/pulls': async (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const head = String(ctx.body.head).replace(/^[^:]+:/, '')
    const base = String(ctx.body.base)
    const headSha = await r.git.refSha(`refs/heads/${head}`)
    if (!headSha) invalid('PullRequest', 'head', 'invalid')
    if (!(await r.git.refSha(`refs/heads/${base}`))) invalid('PullRequest', 'base', 'invalid')
    const dup = [...r.issues.values()].find(
      (i) => i.pull && i.state === 'open' && i.pull.head === head && i.pull.base === base,
    )
    if (dup) invalid('PullRequest', 'head', 'custom', `A pull request already exists for ${r.owner}:${head}.`)
    if ((await r.git.revList(`refs/heads/${base}`, headSha)).length === 0) {
      invalid('PullRequest', 'head', 'custom', `No commits between ${base} and ${head}`)
    }
    const now = iso(s.now())
    const i: SimIssue = {
      id: s.nextId(),
      number: r.nextNumber++,
      title: String(ctx.body.title ?? head),
      body: String(ctx.body.body ?? ''),
      state: 'open',
      stateReason: null,
      labels: [],
      assignees: [],
      milestone: null,
      author: ctx.caller,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      locked: false,
      events: [],
      closingIssues: [],
      pull: {
        base,
        head,
        draft: ctx.body.draft === true,
        merged: false,
        mergedAt: null,
        mergedBy: null,
        mergeMethod: null,
        mergeCommitSha: null,
        landed: [],
      },
    }
    r.issues.set(i.number, i)
    return ok(await pullBody(s, ctx, r, i, true), {location: `${ctx.urls.api}/repos/${r.slug}/pulls/${i.number}`}, 201)
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}': async (ctx) => {
    const r = repoOf(ctx)
    return ok(await pullBody(ctx.state, ctx, r, pullOf(r, ctx.params.pull_number), true))
  },

  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': async (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const i = pullOf(r, ctx.params.pull_number)
    if (typeof ctx.body.base === 'string') i.pull!.base = ctx.body.base
    applyIssuePatch(s, r, i, {title: ctx.body.title, body: ctx.body.body, state: ctx.body.state}, ctx.caller)
    return ok(await pullBody(s, ctx, r, i, true))
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits': async (ctx) => {
    const r = repoOf(ctx)
    const i = pullOf(r, ctx.params.pull_number)
    const facts = await pullFacts(r, i, false)
    const shas = await r.git.revList(i.pull!.baseShaAtMerge ?? `refs/heads/${i.pull!.base}`, facts.headSha, 250)
    return okPage(ctx, shas, `/repos/${r.slug}/pulls/${i.number}/commits`, async (sha) =>
      shape.commit(ctx.state, ctx.urls, r, (await r.git.commit(sha))!),
    )
  },

  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge': async (ctx) => {
    const r = repoOf(ctx)
    const i = pullOf(r, ctx.params.pull_number)
    if (i.pull!.merged) throw new HttpError(405, 'Pull Request is not mergeable')
    if (i.state !== 'open') throw new HttpError(422, 'Pull Request is closed', {status: '422'})
    const method = (ctx.body.merge_method as 'merge' | 'squash' | 'rebase' | undefined) ?? 'merge'
    const sha = await mergePull(ctx.state, r, i, method, ctx.caller, {
      title: ctx.body.commit_title as string | undefined,
    })
    if (!sha) throw new HttpError(405, 'Pull Request is not mergeable')
    return ok({sha, merged: true, message: 'Pull Request successfully merged'})
  },

  'GET /repos/{owner}/{repo}/releases': (ctx) => {
    const r = repoOf(ctx)
    return okPage(ctx, [...r.releases].reverse(), `/repos/${r.slug}/releases`, (x) =>
      shape.release(ctx.state, ctx.urls, r, x),
    )
  },

  'GET /repos/{owner}/{repo}/releases/tags/{tag}': (ctx) => {
    const r = repoOf(ctx)
    const x = r.releases.find((rel) => rel.tagName === ctx.params.tag && !rel.draft)
    if (!x) notFound()
    return ok(shape.release(ctx.state, ctx.urls, r, x))
  },

  'POST /repos/{owner}/{repo}/releases': async (ctx) => {
    const r = repoOf(ctx)
    const s = ctx.state
    const tagName = String(ctx.body.tag_name)
    if (r.releases.some((x) => x.tagName === tagName)) invalid('Release', 'tag_name', 'already_exists')
    const target = String(ctx.body.target_commitish ?? r.defaultBranch)
    if (!(await r.git.refSha(`refs/tags/${tagName}`))) {
      const at = await r.git.resolve(target)
      if (!at) invalid('Release', 'target_commitish', 'invalid')
      if (ctx.body.draft !== true) await r.git.updateRef(`refs/tags/${tagName}`, at, '')
    }
    const now = iso(s.now())
    const x = {
      id: s.nextId(),
      tagName,
      targetCommitish: target,
      name: String(ctx.body.name ?? tagName),
      body: String(ctx.body.body ?? ''),
      draft: ctx.body.draft === true,
      prerelease: ctx.body.prerelease === true,
      author: ctx.caller,
      createdAt: now,
      publishedAt: ctx.body.draft === true ? null : now,
    }
    r.releases.push(x)
    return ok(shape.release(s, ctx.urls, r, x), {}, 201)
  },

  'GET /users/{username}': (ctx) => {
    const u = ctx.state.users.get(ctx.params.username!.toLowerCase())
    if (!u) notFound()
    return ok(shape.publicUser(ctx.urls, u))
  },

  'GET /orgs/{org}/teams/{team_slug}': (ctx) => {
    const t = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase())
    if (!t) notFound()
    return ok(shape.team(ctx.urls, t))
  },

  'POST /app/installations/{installation_id}/access_tokens': (ctx) => {
    const token = `ghs_sim${ctx.state.nextId()}${Math.random().toString(36).slice(2, 12)}`
    ensureUser(ctx.state, 'flytectl-app[bot]', 'Bot')
    if (ctx.state.tokens.size > 0) ctx.state.tokens.set(token, 'flytectl-app[bot]')
    return ok(
      {
        token,
        expires_at: iso(new Date(Date.now() + 3600_000)),
        permissions: {contents: 'write', issues: 'write', pull_requests: 'write'},
        repository_selection: 'all',
      },
      {},
      201,
    )
  },
}

/** PATCH semantics shared by issues and pulls: state, title, body, milestone, assignees, labels. */
export function applyIssuePatch(
  s: SimState,
  r: SimRepo,
  i: SimIssue,
  body: Record<string, unknown>,
  actor: string,
): void {
  const now = iso(s.now())
  if (typeof body.title === 'string' && body.title !== i.title) {
    recordEvent(s, r, i, {event: 'renamed', actor, rename: {from: i.title, to: body.title}})
    i.title = body.title
  }
  if (typeof body.body === 'string') i.body = body.body
  if ('milestone' in body && body.milestone !== undefined) {
    const next = body.milestone === null ? null : Number(body.milestone)
    if (next !== null && !r.milestones.has(next)) invalid('Issue', 'milestone', 'invalid')
    if (next !== i.milestone) {
      if (i.milestone !== null)
        recordEvent(s, r, i, {event: 'demilestoned', actor, milestone: r.milestones.get(i.milestone)?.title ?? ''})
      if (next !== null) recordEvent(s, r, i, {event: 'milestoned', actor, milestone: r.milestones.get(next)!.title})
      i.milestone = next
    }
  }
  if (Array.isArray(body.assignees)) {
    const next = (body.assignees as string[]).map((a) => ensureUser(s, a).login)
    for (const a of next) if (!i.assignees.includes(a)) recordEvent(s, r, i, {event: 'assigned', actor, assignee: a})
    for (const a of i.assignees) if (!next.includes(a)) recordEvent(s, r, i, {event: 'unassigned', actor, assignee: a})
    i.assignees = next
  }
  if (Array.isArray(body.labels)) i.labels = (body.labels as string[]).map((l) => ensureLabel(s, r, l))
  if ((body.state === 'open' || body.state === 'closed') && body.state !== i.state) {
    i.state = body.state
    i.closedAt = body.state === 'closed' ? now : null
    i.stateReason =
      body.state === 'closed'
        ? ((body.state_reason as 'completed' | 'not_planned' | undefined) ?? 'completed')
        : 'reopened'
    recordEvent(s, r, i, {event: body.state === 'closed' ? 'closed' : 'reopened', actor})
  }
  i.updatedAt = now
}
