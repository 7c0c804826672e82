/**
 * The bad-input table: what careless and hostile users type. Each case: the command line, the files
 * it reads (written into its own temp directory, which is the working directory), where it would
 * write (the shared plane or the GitHub simulator), the documented exit code, and the words the
 * one-line error must contain. Chosen for coverage of every validator, not for count: each case is
 * one process start.
 */
import {gzipSync} from 'node:zlib'

export interface BadCase {
  name: string
  args: string[]
  target: 'plane' | 'github' | 'offline'
  exit: number
  words: string[]
  files?: Record<string, string | Uint8Array>
  env?: Record<string, string>
}

/** Registered before the cases run (project + hello task/workflow/launch plan). */
export const SEED_PROJECT = 'badin'
const PD = ['-p', SEED_PROJECT, '-d', 'development']
const USAGE = 2
const CONFIG = 3

const cases: BadCase[] = []
const add = (c: BadCase) => cases.push(c)

// --- list flags: every numeric flag range-checked, booleans take no value -------------------------
const LISTS: Array<[string, string[]]> = [
  ['get project', ['get', 'project']],
  ['get task', ['get', 'task', ...PD]],
  ['get workflow', ['get', 'workflow', ...PD]],
  ['get launchplan', ['get', 'launchplan', ...PD]],
  ['get execution', ['get', 'execution', ...PD]],
]
const BAD_FILTERS: Array<[string[], string[]]> = [
  [
    ['--filter.limit', '0'],
    ['--filter.limit', 'from 1 to 4294967295'],
  ],
  [
    ['--filter.limit', '-1'],
    ['--filter.limit', 'from 1'],
  ],
  [
    ['--filter.limit', '4294967296'],
    ['--filter.limit', '4294967295'],
  ],
  [
    ['--filter.limit', 'ten'],
    ['--filter.limit', '"ten"'],
  ],
  [
    ['--filter.page', '0'],
    ['--filter.page', 'from 1 to 2147483647'],
  ],
  [
    ['--filter.page', '99999999999999999999999'],
    ['--filter.page', '2147483647'],
  ],
  [
    ['--filter.page', '1.5'],
    ['--filter.page', 'integer'],
  ],
  [['--filter.asc=maybe'], ['--filter.asc', 'takes no value']],
]
// The version listings of one named entity take the same list flags.
const VERSION_LISTS: Array<[string, string[]]> = [
  ['get task NAME', ['get', 'task', 'hello', ...PD]],
  ['get workflow NAME', ['get', 'workflow', 'hello', ...PD]],
  ['get launchplan NAME', ['get', 'launchplan', 'hello', ...PD]],
]
for (const [label, argv] of [...LISTS, ...VERSION_LISTS])
  for (const [flags, words] of BAD_FILTERS)
    add({name: `${label} ${flags.join(' ')}`, args: [...argv, ...flags], target: 'plane', exit: USAGE, words})

// Field selectors are read before anything is sent.
const BAD_SELECTORS: Array<[string, string[]]> = [
  ['name=', ['invalid field selector', '"name="', 'needs a key and a value']],
  ['=x', ['invalid field selector', '"=x"', 'needs a key and a value']],
  ['name', ['invalid field selector', '"name"', 'has no operator']],
  ['name>=', ['invalid field selector', '"name>="', 'needs a key and a value']],
]
for (const [label, argv] of LISTS)
  for (const [selector, words] of BAD_SELECTORS)
    add({
      name: `${label} --filter.fieldSelector ${selector}`,
      args: [...argv, '--filter.fieldSelector', selector],
      target: 'plane',
      exit: USAGE,
      words,
    })

// --- endpoints: config validate and the client share one validator ------------------------------
const BAD_ENDPOINTS: Array<[string, string]> = [
  ['dns:///local host:30080', 'contains a space'],
  ['dns:///localhost:99999', 'invalid port 99999'],
  ['dns:///localhost:0', 'invalid port 0'],
  ['localhost:abc', 'invalid port "abc"'],
  ['ftp://flyte.example.com', 'unknown scheme ftp://'],
  ['[::1:30080', 'malformed IPv6'],
  ['[zz]:80', 'malformed IPv6'],
  ['https://flyte.example.com/api/v1', 'has a path'],
  ['https://user@flyte.example.com', 'user information'],
  ['flyte_example.com', 'characters other than'],
  [':30080', 'has no host'],
  ['x'.repeat(300), 'host name of 300 characters'],
  [`${'a'.repeat(64)}.example.com`, 'label longer than 63'],
  ['a'.repeat(5000), 'too long'],
]
BAD_ENDPOINTS.forEach(([endpoint, words], i) => {
  const files = {'config.yaml': `admin:\n  endpoint: ${JSON.stringify(endpoint)}\n  insecure: true\n`}
  add({
    name: `config validate: endpoint ${endpoint.slice(0, 30)}`,
    args: ['config', 'validate', '-c', 'config.yaml'],
    target: 'offline',
    exit: CONFIG,
    words: ['admin.endpoint', words],
    files,
  })
  // The client refuses the same endpoints before dialling, whatever the command.
  for (const args of [
    ['get', 'project'],
    ['get', 'execution', ...PD],
  ])
    add({
      name: `${args.slice(0, 2).join(' ')}: endpoint ${endpoint.slice(0, 30)} (${i})`,
      args: [...args, '-c', 'config.yaml'],
      target: 'offline',
      exit: CONFIG,
      words: ['admin.endpoint', words],
      files,
    })
})
add({
  name: 'config validate: NUL byte in the endpoint',
  args: ['config', 'validate', '-c', 'config.yaml'],
  target: 'offline',
  exit: CONFIG,
  words: ['control character (U+0000)'],
  files: {'config.yaml': 'admin:\n  endpoint: "dns:///local\\0host:80"\n'},
})

// --- attrFiles: strict, and every value checked before the plane sees it ------------------------
const NOUNS = [
  'task-resource-attribute',
  'cluster-resource-attribute',
  'execution-queue-attribute',
  'execution-cluster-label',
  'plugin-override',
  'workflow-execution-config',
] as const
const scope = `project: ${SEED_PROJECT}\ndomain: development\n`
const GENERIC_ATTR: Array<[string, string, string[]]> = [
  ['not YAML', 'project: [badin\n', ['not valid YAML']],
  ['a list', '- project: badin\n', ['must be a YAML mapping']],
  ['a scalar', 'badin\n', ['must be a YAML mapping']],
  ['empty', '', ['must be a YAML mapping']],
  ['misspelt key', `${scope}projct: x\n`, ['unknown key "projct"']],
  ['project a number', 'project: 5\ndomain: development\n', ['project must be a string']],
]
for (const noun of NOUNS) {
  for (const [what, body, words] of GENERIC_ATTR)
    add({
      name: `update ${noun}: attrFile ${what}`,
      args: ['update', noun, '--attrFile', 'attrs.yaml', '--force'],
      target: 'plane',
      exit: USAGE,
      words: ['attrs.yaml', ...words],
      files: {'attrs.yaml': body},
    })
  add({
    name: `update ${noun}: no attrFile`,
    args: ['update', noun, '--force'],
    target: 'plane',
    exit: USAGE,
    words: ['attrFile is mandatory'],
  })
  add({
    name: `update ${noun}: attrFile missing on disk`,
    args: ['update', noun, '--attrFile', 'nope.yaml', '--force'],
    target: 'plane',
    exit: USAGE,
    words: ['attrFile nope.yaml does not exist'],
  })
  add({
    name: `delete ${noun}: attrFile with an unknown key`,
    args: ['delete', noun, '--attrFile', 'attrs.yaml'],
    target: 'plane',
    exit: USAGE,
    words: ['unknown key "wat"'],
    files: {'attrs.yaml': `${scope}wat: 1\n`},
  })
  add({
    name: `delete ${noun}: workflow without a domain`,
    args: ['delete', noun, '-p', SEED_PROJECT, 'wf.hello'],
    target: 'plane',
    exit: USAGE,
    words: ['domain is required'],
  })
  add({
    name: `update ${noun}: workflow scope without a domain`,
    args: ['update', noun, '--attrFile', 'attrs.yaml', '--force'],
    target: 'plane',
    exit: USAGE,
    words: ['domain is required'],
    files: {'attrs.yaml': `project: ${SEED_PROJECT}\nworkflow: wf.hello\n`},
  })
}
const SPECIFIC_ATTR: Array<[(typeof NOUNS)[number], string, string, string[]]> = [
  ['task-resource-attribute', 'negative cpu', 'defaults:\n  cpu: "-1"\n', ['defaults.cpu', 'negative']],
  [
    'task-resource-attribute',
    'word memory',
    'defaults:\n  memory: lots\n',
    ['defaults.memory', 'not a Kubernetes quantity'],
  ],
  ['task-resource-attribute', 'two dots', 'limits:\n  gpu: "1.5.5"\n', ['limits.gpu', 'not a Kubernetes quantity']],
  ['task-resource-attribute', 'a space before the unit', 'limits:\n  memory: 10 Gi\n', ['limits.memory']],
  ['task-resource-attribute', 'lower-case binary unit', 'limits:\n  memory: 10gi\n', ['limits.memory']],
  ['task-resource-attribute', 'negative memory', 'limits:\n  memory: -5Mi\n', ['limits.memory', 'negative']],
  ['task-resource-attribute', 'huge exponent', 'defaults:\n  cpu: 1e99\n', ['defaults.cpu', 'exponent']],
  [
    'task-resource-attribute',
    'ephemeral storage word',
    'limits:\n  ephemeral_storage: big\n',
    ['limits.ephemeral_storage'],
  ],
  ['task-resource-attribute', 'cpu as a list', 'defaults:\n  cpu: [1]\n', ['attrs.yaml']],
  ['task-resource-attribute', 'unknown resource', 'defaults:\n  cpus: 1\n', ['unknown key', 'cpus']],
  ['workflow-execution-config', 'negative parallelism', 'max_parallelism: -1\n', ['max_parallelism', 'negative']],
  ['workflow-execution-config', 'word parallelism', 'max_parallelism: ten\n', ['attrs.yaml']],
  ['workflow-execution-config', 'int32 overflow', 'max_parallelism: 99999999999\n', ['attrs.yaml']],
  ['workflow-execution-config', 'interruptible maybe', 'interruptible:\n  value: maybe\n', ['attrs.yaml']],
  ['workflow-execution-config', 'interruptible extra key', 'interruptible:\n  valu: true\n', ['interruptible.valu']],
  [
    'plugin-override',
    'behaviour out of range',
    'overrides:\n  - task_type: spark\n    plugin_id: [a]\n    missing_plugin_behavior: 7\n',
    ['missing_plugin_behavior', '7', 'allowed: 0, 1'],
  ],
  [
    'plugin-override',
    'negative behaviour',
    'overrides:\n  - task_type: spark\n    missing_plugin_behavior: -1\n',
    ['missing_plugin_behavior', '-1'],
  ],
  ['plugin-override', 'no task type', 'overrides:\n  - plugin_id: [a]\n', ['overrides[0].task_type is required']],
  [
    'plugin-override',
    'behaviour name misspelt',
    'overrides:\n  - task_type: spark\n    missing_plugin_behavior: USE_DEFAULTS\n',
    ['attrs.yaml'],
  ],
  ['execution-cluster-label', 'value a list', 'value: [a]\n', ['attrs.yaml']],
  ['execution-queue-attribute', 'tags a map', 'tags:\n  a: b\n', ['attrs.yaml']],
  ['cluster-resource-attribute', 'attributes a list', 'attributes: [a]\n', ['attrs.yaml']],
]
for (const [noun, what, body, words] of SPECIFIC_ATTR)
  add({
    name: `update ${noun}: ${what}`,
    args: ['update', noun, '--attrFile', 'attrs.yaml', '--force'],
    target: 'plane',
    exit: USAGE,
    words: ['attrs.yaml', ...words],
    files: {'attrs.yaml': scope + body},
  })

// --- update of entities: contradictory state flags ---------------------------------------------
for (const noun of ['task-meta', 'workflow-meta', 'launchplan-meta'])
  add({
    name: `update ${noun}: --activate and --archive`,
    args: ['update', noun, ...PD, 'wf.hello', '--activate', '--archive', '--force'],
    target: 'plane',
    exit: USAGE,
    words: ['activate', 'archive'],
  })
add({
  name: 'update project: --activate and --archive',
  args: ['update', 'project', '-p', SEED_PROJECT, '--activate', '--archive', '--force'],
  target: 'plane',
  exit: USAGE,
  words: ['activate', 'archive'],
})

add({
  name: 'console: --endpoint not an http(s) URL',
  args: ['console', '--endpoint', 'ftp://flyte.example.com'],
  target: 'offline',
  exit: USAGE,
  words: ['--endpoint', 'ftp://flyte.example.com', 'http(s)'],
})
add({
  name: 'console: --endpoint with a path',
  args: ['console', '--endpoint', 'https://flyte.example.com/console'],
  target: 'offline',
  exit: USAGE,
  words: ['--endpoint', 'http(s) URL of a host'],
})

// --- maintainer commands: input checked before credentials or GitHub ----------------------------
const GH_CASES: Array<[string, string[], string[], number?]> = [
  ['triage milestones: repo with a space', ['triage', 'milestones', '--repo', 'bad repo'], ['bad repo', 'owner/name']],
  [
    'triage milestones: due not a date',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--due', 'soon'],
    ['--due', 'soon'],
  ],
  [
    'triage milestones: cadence 0',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--cadence-months', '0'],
    ['--cadence-months'],
  ],
  ['triage label: issue a word', ['triage', 'label', '--repo', 'flyteorg/flyte', '--issue', 'abc'], ['--issue', 'abc']],
  [
    'triage stale: negative days',
    ['triage', 'stale', '--repo', 'flyteorg/flyte', '--days-before-stale', '-1'],
    ['--days-before-stale'],
  ],
  ['triage label: no repository', ['triage', 'label'], ['no repository']],
  [
    'backport: pull a word',
    ['backport', 'abc', '--repo', 'flyteorg/flyte', '--to', 'release-v1.16'],
    ['"abc"', 'pull request number'],
  ],
  [
    'docs pin: not a version',
    ['docs', 'pin', 'notaversion', '--repo', 'flyteorg/flyte'],
    ['"notaversion"', 'release version'],
  ],
]
for (const [name, args, words, exit] of GH_CASES) {
  add({name, args, target: 'github', exit: exit ?? USAGE, words})
  // The same input with no credentials at all: still the input error, not an auth one.
  add({
    name: `${name} (no token)`,
    args,
    target: 'github',
    exit: exit ?? USAGE,
    words,
    env: {GITHUB_TOKEN: '', GH_TOKEN: ''},
  })
}

// --- more maintainer inputs: numbers, branches, dates, titles -----------------------------------
const MORE_GH: Array<[string, string[], string[]]> = [
  [
    'backport: pull 0',
    ['backport', '0', '--repo', 'flyteorg/flyte', '--to', 'release-v1.16'],
    ['"0"', 'expected 1 to 2147483647'],
  ],
  [
    'backport: pull past int32',
    ['backport', '99999999999', '--repo', 'flyteorg/flyte', '--to', 'release-v1.16'],
    ['"99999999999"'],
  ],
  [
    'backport: branch with ..',
    ['backport', '12', '--repo', 'flyteorg/flyte', '--to', 'release..v1'],
    ['--to', 'contains ".."'],
  ],
  [
    'backport: branch with a space',
    ['backport', '12', '--repo', 'flyteorg/flyte', '--to', 'release v1'],
    ['--to', 'a space'],
  ],
  ['backport: branch ending .lock', ['backport', '12', '--repo', 'flyteorg/flyte', '--to', 'release.lock'], ['.lock']],
  ['backport: branch starting -', ['backport', '12', '--repo', 'flyteorg/flyte', '--to', '-f'], ['starts with "-"']],
  ['backport: branch with @{', ['backport', '12', '--repo', 'flyteorg/flyte', '--to', 'a@{1}'], ['"@{"']],
  [
    'backport: commit not hex',
    ['backport', '--commit', 'xyz', '--repo', 'flyteorg/flyte', '--to', 'release-v1.16'],
    ['--commit', 'not a commit sha'],
  ],
  [
    'backport: repo without owner',
    ['backport', '12', '--repo', 'flyte', '--to', 'release-v1.16'],
    ['--repo', 'owner/name'],
  ],
  [
    'backport: empty label',
    ['backport', '--label', ' ', '--repo', 'flyteorg/flyte'],
    ['--label', 'not a GitHub label'],
  ],
  [
    'triage check-pr: pull a word',
    ['triage', 'check-pr', 'abc', '--repo', 'flyteorg/flyte'],
    ['"abc"', 'pull request number'],
  ],
  ['triage check-pr: pull -1', ['triage', 'check-pr', '--repo', 'flyteorg/flyte', '--', '-1'], ['pull request number']],
  [
    'triage check-pr: negative max-lines',
    ['triage', 'check-pr', '12', '--repo', 'flyteorg/flyte', '--max-lines', '-5'],
    ['--max-lines'],
  ],
  [
    'triage milestones: Feb 30',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--due', '2026-02-30'],
    ['--due', '2026-02-30', 'calendar date'],
  ],
  [
    'triage milestones: month 13',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--due', '2026-13-01'],
    ['calendar date'],
  ],
  [
    'triage milestones: empty rollover',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--rollover', ''],
    ['--rollover', 'usable title'],
  ],
  [
    'triage milestones: 300-character title',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--title', 'x'.repeat(300)],
    ['--title', 'usable title'],
  ],
  [
    'triage milestones: rollover to a blank',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--rollover', '1.16.0', '--to', '  '],
    ['--to'],
  ],
  [
    'triage milestones: cadence past 120',
    ['triage', 'milestones', '--repo', 'flyteorg/flyte', '--cadence-months', '9999999999'],
    ['--cadence-months'],
  ],
  [
    'triage stale: days past a century',
    ['triage', 'stale', '--repo', 'flyteorg/flyte', '--days-before-close', '99999999'],
    ['--days-before-close'],
  ],
  [
    'triage report: negative due-soon',
    ['triage', 'report', '--repo', 'flyteorg/flyte', '--due-soon-days', '-1'],
    ['--due-soon-days'],
  ],
  [
    'triage report: limit past 1000',
    ['triage', 'report', '--repo', 'flyteorg/flyte', '--limit', '100000'],
    ['--limit'],
  ],
  ['triage label: issue 0', ['triage', 'label', '--repo', 'flyteorg/flyte', '--issue', '0'], ['--issue']],
  ['triage owners: repo with a path', ['triage', 'owners', '--repo', 'flyteorg/flyte/x'], ['owner/name']],
  ['docs check: no ref', ['docs', 'check', '--repo', 'flyteorg/flyte'], ['Missing required flag ref']],
  [
    'release plan: not a version',
    ['release', 'plan', 'notaversion', '--manifest', 'release.yaml'],
    ['"notaversion"', 'release version'],
  ],
  [
    'release cut: four parts',
    ['release', 'cut', 'v1.2.3.4', '--manifest', 'release.yaml', '--dry-run'],
    ['"v1.2.3.4"'],
  ],
  [
    'release patch: not a line',
    ['release', 'patch', 'zz', '--manifest', 'release.yaml', '--dry-run'],
    ['"zz"', 'minor line'],
  ],
  ['release lint: no manifest', ['release', 'lint', '--manifest', 'nope.yaml'], ['nope.yaml']],
]
const MANIFEST = {'release.yaml': RELEASE_MANIFEST()}
for (const [name, args, words] of MORE_GH) {
  const exit = name.startsWith('release lint') ? CONFIG : USAGE
  add({name, args, target: 'github', exit, words, files: MANIFEST})
}

// --- register: archives are checked whole before anything is sent --------------------------------
/** A ustar archive of `entries` (gzip unless `plain`), built byte by byte so hostile names stay as given. */
export function tarOf(
  entries: Array<{name: string; body?: string; type?: '0' | '2' | '5'; link?: string}>,
  plain = false,
) {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '')
    const h = Buffer.alloc(512)
    h.write(e.name, 0, 100)
    h.write('0000644\0', 100)
    h.write('0000000\0', 108)
    h.write('0000000\0', 116)
    h.write(body.length.toString(8).padStart(11, '0') + '\0', 124)
    h.write('00000000000\0', 136)
    h.write('        ', 148)
    h.write(e.type ?? '0', 156)
    if (e.link) h.write(e.link, 157, 100)
    h.write('ustar\0' + '00', 257)
    let sum = 0
    for (const b of h) sum += b
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  const tar = Buffer.concat(blocks)
  return plain ? tar : gzipSync(tar)
}
const REGISTER = ['register', 'files', ...PD, '--version', 'v9', '--archive', 'pkg.tgz']
const ARCHIVES: Array<[string, Uint8Array, string[]]> = [
  ['not gzip, not tar', Buffer.from('this is not an archive\n'), ['not a tar archive']],
  ['zero bytes', Buffer.alloc(0), ['not a tar archive']],
  ['gzip of text', gzipSync(Buffer.from('hello')), ['not a tar archive']],
  ['truncated gzip', tarOf([{name: 'a.pb', body: 'x'.repeat(4000)}]).subarray(0, 40), ['damaged gzip']],
  ['no members', gzipSync(Buffer.alloc(1024)), ['pkg.tgz']],
  ['only a directory', tarOf([{name: 'dir/', type: '5'}]), ['has no files']],
  ['../ member', tarOf([{name: '../evil.pb', body: 'x'}]), ['"../evil.pb"', 'outside the archive']],
  ['nested ../ member', tarOf([{name: 'a/../../evil.pb', body: 'x'}]), ['outside the archive']],
  ['absolute member', tarOf([{name: '/etc/evil.pb', body: 'x'}]), ['"/etc/evil.pb"', 'absolute path']],
  ['symlink member', tarOf([{name: 'link.pb', type: '2', link: '/etc/passwd'}]), ['"link.pb" is a link']],
  ['a file that is not .pb', tarOf([{name: 'notes.txt', body: 'x'}]), ['not .pb entities', 'notes.txt']],
  ['a .pb that is not an entity', tarOf([{name: '0_x.pb', body: 'garbage'}]), ['1 of 1 files failed']],
]
for (const [what, bytes, words] of ARCHIVES) {
  const failedRow = what === 'a .pb that is not an entity'
  add({
    name: `register files --archive: ${what}`,
    args: REGISTER,
    target: 'plane',
    exit: failedRow ? 8 : USAGE,
    words,
    files: {'pkg.tgz': bytes},
  })
}
add({
  name: 'register files --archive: not an archive name',
  args: ['register', 'files', ...PD, '--version', 'v9', '--archive', 'pkg.zip'],
  target: 'plane',
  exit: USAGE,
  words: ['pkg.zip'],
  files: {'pkg.zip': 'x'},
})
add({
  name: 'register files: no such file',
  args: ['register', 'files', ...PD, '--version', 'v9', 'nope.pb'],
  target: 'plane',
  exit: 4,
  words: ['nope.pb'],
})

// --- execFiles: values checked against the task's types before an execution is created ----------
const EXEC = ['create', 'execution', ...PD, '--execFile', 'exec.yaml']
const execFile = (inputs: string) => ({'exec.yaml': `task: demo.typed\nversion: v1\ninputs:\n${inputs}`})
const EXEC_CASES: Array<[string, string, string[]]> = [
  ['Feb 30', '  when: "2026-02-30T00:00:00Z"\n', ['when']],
  ['hour 25', '  when: "2026-01-01T25:00:00Z"\n', ['when']],
  ['month 13', '  when: "2026-13-01T00:00:00Z"\n', ['when']],
  ['a date without time', '  when: "2026-01-01"\n', ['when']],
  ['integer past int64', '  count: 99999999999999999999\n', ['count', '64 bits']],
  ['integer a word', '  count: many\n', ['count']],
  ['integer a fraction', '  count: 1.5\n', ['count']],
  ['duration a word', '  wait: soon\n', ['wait']],
  ['unknown input', '  cuont: 1\n', ['cuont']],
]
for (const [what, inputs, words] of EXEC_CASES)
  add({name: `create execution: ${what}`, args: EXEC, target: 'plane', exit: USAGE, words, files: execFile(inputs)})
add({
  name: 'create execution: execFile names both task and workflow',
  args: EXEC,
  target: 'plane',
  exit: USAGE,
  words: ['either task or workflow'],
  files: {'exec.yaml': 'task: demo.typed\nworkflow: wf.hello\n'},
})
add({
  name: 'create execution: execFile with a duplicate key',
  args: EXEC,
  target: 'plane',
  exit: USAGE,
  words: ['"version" twice', 'line 3'],
  files: {'exec.yaml': 'task: demo.typed\nversion: v1\nversion: v2\n'},
})

// --- project files and YAML limits --------------------------------------------------------------
const PROJECT_FILES: Array<[string, string, string[]]> = [
  ['a label without a value', 'id: newproj\nname: n\nlabels:\n  values:\n    team:\n', ['label "team" has no value']],
  ['a label that is a list', 'id: newproj\nname: n\nlabels:\n  values:\n    team: [a]\n', ['label "team"', 'a list']],
  ['labels as a list', 'id: newproj\nname: n\nlabels: [a]\n', ['labels']],
  ['id a number', 'id: 5\nname: n\n', ['"id" must be a string']],
  ['not YAML', 'id: [newproj\n', ['not valid YAML', 'line']],
  ['a duplicate key', 'id: newproj\nname: n\nid: other\n', ['"id" twice']],
]
for (const [what, body, words] of PROJECT_FILES)
  add({
    name: `create project --file: ${what}`,
    args: ['create', 'project', '--file', 'project.yaml'],
    target: 'plane',
    exit: USAGE,
    words: ['project.yaml', ...words],
    files: {'project.yaml': body},
  })
add({
  name: 'create project: --labels without =',
  args: ['create', 'project', '--id', 'newproj', '--name', 'n', '--labels', 'team'],
  target: 'plane',
  exit: USAGE,
  words: ['--labels'],
})
add({
  name: 'update cluster-resource-attribute: 10,500 keys',
  args: ['update', 'cluster-resource-attribute', '--attrFile', 'attrs.yaml', '--force'],
  target: 'plane',
  exit: USAGE,
  words: ['more than 10000 keys'],
  files: {
    'attrs.yaml': `${scope}attributes:\n${Array.from({length: 10_500}, (_, i) => `  k${i}: v\n`).join('')}`,
  },
})
add({
  name: 'update task-resource-attribute: a duplicate key deep inside',
  args: ['update', 'task-resource-attribute', '--attrFile', 'attrs.yaml', '--force'],
  target: 'plane',
  exit: USAGE,
  words: ['"cpu" twice', 'line 5'],
  files: {'attrs.yaml': `${scope}defaults:\n  cpu: "1"\n  cpu: "2"\n`},
})
add({
  name: 'get project: a 2 MB host name is one short line',
  args: ['get', 'project', '-c', 'config.yaml'],
  target: 'offline',
  exit: CONFIG,
  words: ['too long'],
  files: {'config.yaml': `admin:\n  endpoint: dns:///${'h'.repeat(2_000_000)}:80\n`},
})

// --- demo start --events-config: checked before anything starts --------------------------------
for (const [what, yaml, words] of [
  [
    'a cloud sink the plane has no client for',
    'cloudEvents:\n  type: aws\n',
    ['cloudEvents.type aws', 'not supported'],
  ],
  ['kafka without brokers', 'cloudEvents:\n  type: kafka\n', ['cloudEvents.type kafka', 'cloudEvents.kafka']],
  [
    'a webhook that is not http(s)',
    'cloudEvents:\n  type: webhook\n  webhook:\n    url: file:///etc/passwd\n',
    ['cloudEvents.webhook.url', 'http(s) URL'],
  ],
  ['an unknown event type', 'externalEvents:\n  eventsPublisher:\n    eventTypes: [signal]\n', ['eventTypes.0']],
] as Array<[string, string, string[]]>) {
  add({
    name: `demo start --events-config: ${what}`,
    args: ['demo', 'start', '--events-config', 'events.yaml', '--port', '1'],
    target: 'offline',
    exit: USAGE,
    words,
    files: {'events.yaml': yaml},
  })
}
add({
  name: 'demo start --events-config: a file that is not there',
  args: ['demo', 'start', '--events-config', 'missing.yaml', '--port', '1'],
  target: 'offline',
  exit: USAGE,
  words: ['cannot read events config', 'ENOENT'],
})

/** A minimal release manifest (the template's shape) for release commands to read. */
function RELEASE_MANIFEST(): string {
  return [
    'release:',
    '  repository: flyteorg/flyte',
    'components:',
    '  - name: flyte',
    '    repository: flyteorg/flyte',
    '',
  ].join('\n')
}

export const BAD_INPUT_CASES: readonly BadCase[] = cases
