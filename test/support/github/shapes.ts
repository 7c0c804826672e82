/**
 * Response bodies in GitHub's shapes (the validator checks every one against the published
 * schema). Only the fields a client could need carry real data; the rest are well-formed filler.
 */
import type {CommitInfo} from './git.js'
import {iso, ensureUser} from './state.js'
import type {
  SimComment,
  SimEvent,
  SimIssue,
  SimLabel,
  SimMilestone,
  SimRelease,
  SimRepo,
  SimState,
  SimTeam,
  SimUser,
} from './state.js'

export interface Urls {
  api: string
  web: string
  gitUrl(slug: string): string
}

type Obj = Record<string, unknown>

const EPOCH = '2020-01-01T00:00:00Z'

function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64')
}

export function user(u: Urls, x: SimUser): Obj {
  const api = `${u.api}/users/${encodeURIComponent(x.login)}`
  return {
    login: x.login,
    id: x.id,
    node_id: nodeId('User', x.id),
    avatar_url: `${u.web}/avatars/${x.id}`,
    gravatar_id: '',
    url: api,
    html_url: `${u.web}/${encodeURIComponent(x.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: x.type,
    site_admin: false,
    user_view_type: 'public',
  }
}

export function userByLogin(s: SimState, u: Urls, login: string): Obj {
  return user(u, ensureUser(s, login))
}

export function publicUser(u: Urls, x: SimUser): Obj {
  return {
    ...user(u, x),
    name: x.name,
    company: null,
    blog: null,
    location: null,
    email: x.email,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: EPOCH,
    updated_at: EPOCH,
  }
}

export function repository(s: SimState, u: Urls, r: SimRepo, full = false): Obj {
  const api = `${u.api}/repos/${r.slug}`
  const openIssues = [...r.issues.values()].filter((i) => i.state === 'open').length
  const base: Obj = {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: r.slug,
    owner: userByLogin(s, u, r.owner),
    private: r.private,
    html_url: `${u.web}/${r.slug}`,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: u.gitUrl(r.slug),
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@localhost:${r.slug}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: u.gitUrl(r.slug),
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: `${u.web}/${r.slug}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: r.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: r.archived,
    disabled: false,
    visibility: r.private ? 'private' : 'public',
    pushed_at: r.createdAt,
    created_at: r.createdAt,
    updated_at: r.createdAt,
    license: null,
    allow_forking: true,
  }
  if (full) Object.assign(base, {network_count: 0, subscribers_count: 0})
  return base
}

export function label(u: Urls, r: SimRepo, l: SimLabel): Obj {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${u.api}/repos/${r.slug}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: l.description,
    color: l.color,
    default: false,
  }
}

export function labelByName(_s: SimState, u: Urls, r: SimRepo, name: string): Obj {
  const l = r.labels.get(name.toLowerCase())
  return label(u, r, l ?? {id: 0, name, color: 'ededed', description: null})
}

export function milestone(s: SimState, u: Urls, r: SimRepo, m: SimMilestone): Obj {
  let open = 0
  let closed = 0
  for (const i of r.issues.values()) {
    if (i.milestone !== m.number) continue
    if (i.state === 'open') open++
    else closed++
  }
  return {
    url: `${u.api}/repos/${r.slug}/milestones/${m.number}`,
    html_url: `${u.web}/${r.slug}/milestone/${m.number}`,
    labels_url: `${u.api}/repos/${r.slug}/milestones/${m.number}/labels`,
    id: m.id,
    node_id: nodeId('Milestone', m.id),
    number: m.number,
    state: m.state,
    title: m.title,
    description: m.description,
    creator: userByLogin(s, u, m.creator),
    open_issues: open,
    closed_issues: closed,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    closed_at: m.closedAt,
    due_on: m.dueOn,
  }
}

function reactions(url: string): Obj {
  return {
    url: `${url}/reactions`,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    confused: 0,
    heart: 0,
    hooray: 0,
    eyes: 0,
    rocket: 0,
  }
}

export function issue(s: SimState, u: Urls, r: SimRepo, i: SimIssue): Obj {
  const api = `${u.api}/repos/${r.slug}/issues/${i.number}`
  const m = i.milestone === null ? undefined : r.milestones.get(i.milestone)
  const comments = [...r.comments.values()].filter((c) => c.issueNumber === i.number).length
  const assignees = i.assignees.map((a) => userByLogin(s, u, a))
  const out: Obj = {
    id: i.id,
    node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id),
    url: api,
    repository_url: `${u.api}/repos/${r.slug}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${u.web}/${r.slug}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: userByLogin(s, u, i.author),
    labels: i.labels.map((n) => labelByName(s, u, r, n)),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: m ? milestone(s, u, r, m) : null,
    locked: i.locked,
    active_lock_reason: null,
    comments,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    author_association: 'CONTRIBUTOR',
    reactions: reactions(api),
  }
  if (i.pull) {
    const pr = `${u.api}/repos/${r.slug}/pulls/${i.number}`
    out.pull_request = {
      url: pr,
      html_url: `${u.web}/${r.slug}/pull/${i.number}`,
      diff_url: `${u.web}/${r.slug}/pull/${i.number}.diff`,
      patch_url: `${u.web}/${r.slug}/pull/${i.number}.patch`,
      merged_at: i.pull.mergedAt,
    }
    out.draft = i.pull.draft
  }
  return out
}

function link(href: string): Obj {
  return {href}
}

export interface PullGitFacts {
  headSha: string
  baseSha: string
  commits: number
  additions: number
  deletions: number
  changedFiles: number
}

export function pull(s: SimState, u: Urls, r: SimRepo, i: SimIssue, facts: PullGitFacts, full: boolean): Obj {
  const p = i.pull!
  const api = `${u.api}/repos/${r.slug}/pulls/${i.number}`
  const issueApi = `${u.api}/repos/${r.slug}/issues/${i.number}`
  const m = i.milestone === null ? undefined : r.milestones.get(i.milestone)
  const assignees = i.assignees.map((a) => userByLogin(s, u, a))
  const repoObj = repository(s, u, r)
  const out: Obj = {
    url: api,
    id: i.id,
    node_id: nodeId('PullRequest', i.id),
    html_url: `${u.web}/${r.slug}/pull/${i.number}`,
    diff_url: `${u.web}/${r.slug}/pull/${i.number}.diff`,
    patch_url: `${u.web}/${r.slug}/pull/${i.number}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${u.api}/repos/${r.slug}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${u.api}/repos/${r.slug}/statuses/${facts.headSha}`,
    number: i.number,
    state: i.state,
    locked: i.locked,
    title: i.title,
    user: userByLogin(s, u, i.author),
    body: i.body,
    // The pull request schemas type a label's description as a plain string (issues allow null).
    labels: i.labels.map((n) => {
      const l = labelByName(s, u, r, n)
      return {...l, description: l.description ?? ''}
    }),
    milestone: m ? milestone(s, u, r, m) : null,
    active_lock_reason: null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${r.owner}:${p.head}`,
      ref: p.head,
      sha: facts.headSha,
      user: userByLogin(s, u, r.owner),
      repo: repoObj,
    },
    base: {
      label: `${r.owner}:${p.base}`,
      ref: p.base,
      sha: facts.baseSha,
      user: userByLogin(s, u, r.owner),
      repo: repoObj,
    },
    _links: {
      self: link(api),
      html: link(`${u.web}/${r.slug}/pull/${i.number}`),
      issue: link(issueApi),
      comments: link(`${issueApi}/comments`),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${u.api}/repos/${r.slug}/pulls/comments{/number}`),
      commits: link(`${api}/commits`),
      statuses: link(`${u.api}/repos/${r.slug}/statuses/${facts.headSha}`),
    },
    author_association: 'CONTRIBUTOR',
    auto_merge: null,
    draft: p.draft,
  }
  if (full) {
    Object.assign(out, {
      merged: p.merged,
      mergeable: i.state === 'open' ? true : null,
      rebaseable: i.state === 'open' ? true : null,
      mergeable_state: i.state === 'open' ? 'clean' : 'unknown',
      merged_by: p.mergedBy ? userByLogin(s, u, p.mergedBy) : null,
      comments: [...r.comments.values()].filter((c) => c.issueNumber === i.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: facts.commits,
      additions: facts.additions,
      deletions: facts.deletions,
      changed_files: facts.changedFiles,
    })
  }
  return out
}

function gitUser(name: string, email: string, date: string): Obj {
  return {name, email, date}
}

export function commit(
  s: SimState,
  u: Urls,
  r: SimRepo,
  c: CommitInfo,
  files?: {file: string; status: string; additions: number; deletions: number}[],
): Obj {
  const api = `${u.api}/repos/${r.slug}/commits/${c.sha}`
  const authorLogin = loginForEmail(s, c.authorEmail)
  const committerLogin = loginForEmail(s, c.committerEmail)
  const out: Obj = {
    url: api,
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    html_url: `${u.web}/${r.slug}/commit/${c.sha}`,
    comments_url: `${api}/comments`,
    commit: {
      url: `${u.api}/repos/${r.slug}/git/commits/${c.sha}`,
      author: gitUser(c.authorName, c.authorEmail, c.authorDate),
      committer: gitUser(c.committerName, c.committerEmail, c.committerDate),
      message: c.message,
      comment_count: 0,
      tree: {sha: c.tree, url: `${u.api}/repos/${r.slug}/git/trees/${c.tree}`},
      verification: {verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null},
    },
    author: authorLogin ? userByLogin(s, u, authorLogin) : null,
    committer: committerLogin ? userByLogin(s, u, committerLogin) : null,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${u.api}/repos/${r.slug}/commits/${p}`,
      html_url: `${u.web}/${r.slug}/commit/${p}`,
    })),
  }
  if (files) {
    let additions = 0
    let deletions = 0
    out.files = files.map((f) => {
      additions += f.additions
      deletions += f.deletions
      return {
        sha: c.sha,
        filename: f.file,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${u.web}/${r.slug}/blob/${c.sha}/${f.file}`,
        raw_url: `${u.web}/${r.slug}/raw/${c.sha}/${f.file}`,
        contents_url: `${u.api}/repos/${r.slug}/contents/${f.file}?ref=${c.sha}`,
      }
    })
    out.stats = {additions, deletions, total: additions + deletions}
  }
  return out
}

/** Commits carry emails; a user whose noreply or configured email matches is the GitHub author. */
export function loginForEmail(s: SimState, email: string): string | undefined {
  const m = /^\d+\+(.+)@users\.noreply\.github\.com$/.exec(email)
  if (m && s.users.has(m[1]!.toLowerCase())) return s.users.get(m[1]!.toLowerCase())!.login
  for (const x of s.users.values()) if (x.email && x.email === email) return x.login
  return undefined
}

export function gitRef(u: Urls, r: SimRepo, ref: string, sha: string, type: string): Obj {
  return {
    ref,
    node_id: nodeId('Ref', `${r.slug}:${ref}`),
    url: `${u.api}/repos/${r.slug}/git/${ref}`,
    object: {type, sha, url: `${u.api}/repos/${r.slug}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}`},
  }
}

export function gitTag(
  u: Urls,
  r: SimRepo,
  sha: string,
  t: {
    object: string
    type: string
    tag: string
    taggerName: string
    taggerEmail: string
    date: string
    message: string
  },
): Obj {
  return {
    node_id: nodeId('Tag', sha),
    tag: t.tag,
    sha,
    url: `${u.api}/repos/${r.slug}/git/tags/${sha}`,
    message: t.message,
    tagger: {name: t.taggerName, email: t.taggerEmail, date: t.date},
    object: {type: t.type, sha: t.object, url: `${u.api}/repos/${r.slug}/git/${t.type}s/${t.object}`},
    verification: {verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null},
  }
}

export function shortBranch(u: Urls, r: SimRepo, name: string, sha: string): Obj {
  return {name, commit: {sha, url: `${u.api}/repos/${r.slug}/commits/${sha}`}, protected: false}
}

export function tag(u: Urls, r: SimRepo, name: string, sha: string): Obj {
  return {
    name,
    commit: {sha, url: `${u.api}/repos/${r.slug}/commits/${sha}`},
    zipball_url: `${u.api}/repos/${r.slug}/zipball/refs/tags/${name}`,
    tarball_url: `${u.api}/repos/${r.slug}/tarball/refs/tags/${name}`,
    node_id: nodeId('Tag', `${r.slug}:${name}`),
  }
}

export function contentFile(u: Urls, r: SimRepo, file: string, ref: string, blob: {sha: string; content: Buffer}): Obj {
  const api = `${u.api}/repos/${r.slug}/contents/${file}?ref=${encodeURIComponent(ref)}`
  const html = `${u.web}/${r.slug}/blob/${ref}/${file}`
  const gitUrl = `${u.api}/repos/${r.slug}/git/blobs/${blob.sha}`
  return {
    type: 'file',
    encoding: 'base64',
    size: blob.content.length,
    name: file.split('/').pop(),
    path: file,
    content: blob.content.toString('base64').replace(/(.{60})/g, '$1\n'),
    sha: blob.sha,
    url: api,
    git_url: gitUrl,
    html_url: html,
    download_url: `${u.web}/${r.slug}/raw/${ref}/${file}`,
    _links: {self: api, git: gitUrl, html},
  }
}

export function fileCommit(u: Urls, r: SimRepo, file: string, blobSha: string, size: number, c: CommitInfo): Obj {
  return {
    content: {
      name: file.split('/').pop(),
      path: file,
      sha: blobSha,
      size,
      url: `${u.api}/repos/${r.slug}/contents/${file}`,
      html_url: `${u.web}/${r.slug}/blob/${c.sha}/${file}`,
      git_url: `${u.api}/repos/${r.slug}/git/blobs/${blobSha}`,
      download_url: `${u.web}/${r.slug}/raw/${c.sha}/${file}`,
      type: 'file',
      _links: {
        self: `${u.api}/repos/${r.slug}/contents/${file}`,
        git: `${u.api}/repos/${r.slug}/git/blobs/${blobSha}`,
        html: `${u.web}/${r.slug}/blob/${c.sha}/${file}`,
      },
    },
    commit: {
      sha: c.sha,
      node_id: nodeId('Commit', c.sha),
      url: `${u.api}/repos/${r.slug}/git/commits/${c.sha}`,
      html_url: `${u.web}/${r.slug}/commit/${c.sha}`,
      author: {name: c.authorName, email: c.authorEmail, date: c.authorDate},
      committer: {name: c.committerName, email: c.committerEmail, date: c.committerDate},
      message: c.message,
      tree: {sha: c.tree, url: `${u.api}/repos/${r.slug}/git/trees/${c.tree}`},
      parents: c.parents.map((p) => ({
        sha: p,
        url: `${u.api}/repos/${r.slug}/git/commits/${p}`,
        html_url: `${u.web}/${r.slug}/commit/${p}`,
      })),
      verification: {verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null},
    },
  }
}

export function comment(s: SimState, u: Urls, r: SimRepo, c: SimComment): Obj {
  const api = `${u.api}/repos/${r.slug}/issues/comments/${c.id}`
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: api,
    html_url: `${u.web}/${r.slug}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: userByLogin(s, u, c.author),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${u.api}/repos/${r.slug}/issues/${c.issueNumber}`,
    author_association: 'CONTRIBUTOR',
    reactions: reactions(api),
  }
}

export function release(s: SimState, u: Urls, r: SimRepo, x: SimRelease): Obj {
  const api = `${u.api}/repos/${r.slug}/releases/${x.id}`
  return {
    url: api,
    html_url: `${u.web}/${r.slug}/releases/tag/${x.tagName}`,
    assets_url: `${api}/assets`,
    upload_url: `${u.api}/repos/${r.slug}/releases/${x.id}/assets{?name,label}`,
    tarball_url: `${u.api}/repos/${r.slug}/tarball/${x.tagName}`,
    zipball_url: `${u.api}/repos/${r.slug}/zipball/${x.tagName}`,
    id: x.id,
    node_id: nodeId('Release', x.id),
    tag_name: x.tagName,
    target_commitish: x.targetCommitish,
    name: x.name,
    body: x.body,
    draft: x.draft,
    prerelease: x.prerelease,
    immutable: false,
    created_at: x.createdAt,
    published_at: x.publishedAt,
    author: userByLogin(s, u, x.author),
    assets: [],
  }
}

export function timelineEvent(s: SimState, u: Urls, r: SimRepo, i: SimIssue, e: SimEvent): Obj {
  if (e.event === 'commented') {
    const c = r.comments.get(e.commentId ?? -1)
    const body = c ? comment(s, u, r, c) : {}
    return {...body, event: 'commented', actor: userByLogin(s, u, e.actor)}
  }
  const base: Obj = {
    id: e.id,
    node_id: nodeId('Event', e.id),
    url: `${u.api}/repos/${r.slug}/issues/events/${e.id}`,
    actor: userByLogin(s, u, e.actor),
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: e.createdAt,
    performed_via_github_app: null,
  }
  if (e.label) base.label = e.label
  if (e.milestone !== undefined) base.milestone = {title: e.milestone}
  if (e.assignee) base.assignee = userByLogin(s, u, e.assignee)
  if (e.rename) base.rename = e.rename
  void i
  return base
}

export function team(u: Urls, t: SimTeam): Obj {
  const api = `${u.api}/orgs/${t.org}/teams/${t.slug}`
  return {
    id: t.id,
    node_id: nodeId('Team', t.id),
    url: api,
    html_url: `${u.web}/orgs/${t.org}/teams/${t.slug}`,
    name: t.name,
    slug: t.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    type: 'organization',
    parent: null,
    members_count: t.members.length,
    repos_count: 0,
    created_at: EPOCH,
    updated_at: EPOCH,
    organization: {
      login: t.org,
      id: 1,
      node_id: nodeId('Organization', t.org),
      url: `${u.api}/orgs/${t.org}`,
      repos_url: `${u.api}/orgs/${t.org}/repos`,
      events_url: `${u.api}/orgs/${t.org}/events`,
      hooks_url: `${u.api}/orgs/${t.org}/hooks`,
      issues_url: `${u.api}/orgs/${t.org}/issues`,
      members_url: `${u.api}/orgs/${t.org}/members{/member}`,
      public_members_url: `${u.api}/orgs/${t.org}/public_members{/member}`,
      avatar_url: `${u.web}/avatars/org-${t.org}`,
      description: null,
      html_url: `${u.web}/${t.org}`,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      type: 'Organization',
      created_at: EPOCH,
      updated_at: EPOCH,
      archived_at: null,
    },
  }
}

export function now(s: SimState): string {
  return iso(s.now())
}
