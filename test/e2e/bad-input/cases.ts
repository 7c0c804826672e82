/**
 * The bad-input table: what careless and hostile users type. Each case: the command line, the files
 * it reads (written into its own temp directory, which is the working directory), where it would
 * write (the shared plane or the GitHub simulator), the documented exit code, and the words the
 * one-line error must contain. Chosen for coverage of every validator, not for count: each case is
 * one process start.
 */
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
for (const [label, argv] of LISTS)
  for (const [flags, words] of BAD_FILTERS)
    add({name: `${label} ${flags.join(' ')}`, args: [...argv, ...flags], target: 'plane', exit: USAGE, words})

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
  if (i % 3 === 0)
    add({
      name: `get project: endpoint ${endpoint.slice(0, 30)}`,
      args: ['get', 'project', '-c', 'config.yaml'],
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

export const BAD_INPUT_CASES: readonly BadCase[] = cases
