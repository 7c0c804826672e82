import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {create} from '@bufbuild/protobuf'
import {LaunchPlanSchema} from '../../../src/gen/flyteidl/admin/launch_plan_pb.js'
import {TaskSchema} from '../../../src/gen/flyteidl/admin/task_pb.js'
import {BlobType_BlobDimensionality, SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {execFileFromInterface, parseExecFile} from '../../../src/cluster/execfile.js'
import {CliError} from '../../../src/cli/errors.js'
import {REPO_ROOT} from '../../support/cli.js'

const fixture = (name: string) => readFileSync(`${REPO_ROOT}test/fixtures/execfile/${name}`, 'utf8')
const simple = (value: SimpleType) => ({type: {case: 'simple' as const, value}})
const intLiteral = (n: bigint) => ({
  value: {
    case: 'scalar' as const,
    value: {value: {case: 'primitive' as const, value: {value: {case: 'integer' as const, value: n}}}},
  },
})

const mergeSortLp = create(LaunchPlanSchema, {
  id: {project: 'flytesnacks', domain: 'development', name: 'core.control_flow.merge_sort.merge_sort', version: 'v2'},
  spec: {fixedInputs: {literals: {seed: intLiteral(7n)}}},
  closure: {
    expectedInputs: {
      parameters: {
        run_local_at_count: {
          var: {type: simple(SimpleType.INTEGER), description: 'run_local_at_count'},
          behavior: {case: 'default', value: intLiteral(10n)},
        },
        numbers: {
          var: {
            type: {type: {case: 'collectionType', value: simple(SimpleType.INTEGER)}},
            description: 'the numbers to sort',
          },
          behavior: {case: 'required', value: true},
        },
      },
    },
  },
})

const mergeTask = create(TaskSchema, {
  id: {project: 'flytesnacks', domain: 'development', name: 'core.control_flow.merge_sort.merge', version: 'v2'},
  closure: {
    compiledTask: {
      template: {
        interface: {
          inputs: {
            variables: {
              count: {type: simple(SimpleType.INTEGER)},
              wait: {type: simple(SimpleType.DURATION)},
              at: {type: simple(SimpleType.DATETIME)},
              color: {type: {type: {case: 'enumType', value: {values: ['red', 'blue']}}}},
              data: {type: {type: {case: 'blob', value: {dimensionality: BlobType_BlobDimensionality.SINGLE}}}},
              flags: {type: {type: {case: 'mapValueType', value: simple(SimpleType.BOOLEAN)}}},
            },
          },
        },
      },
    },
  },
})

describe('execFileFromInterface', () => {
  it('writes a launch plan execFile with flytectl keys, order, defaults and descriptions; fixed inputs left out', () => {
    assert.equal(execFileFromInterface(mergeSortLp, 'launchplan'), fixture('launchplan.yaml'))
  })
  it('writes a task execFile with a placeholder per input type', () => {
    const text = execFileFromInterface(mergeTask, 'task', new Date('2024-01-02T03:04:05Z'))
    assert.equal(text, fixture('task.yaml'))
  })
  it('round-trips: the generated file parses back to the same entity, version and inputs', () => {
    const {config, warnings} = parseExecFile(execFileFromInterface(mergeSortLp, 'launchplan'))
    assert.deepEqual(warnings, [])
    assert.equal(config.workflow, 'core.control_flow.merge_sort.merge_sort')
    assert.equal(config.version, 'v2')
    assert.equal(config.task, undefined)
    assert.deepEqual(config.inputs, {numbers: [0n], run_local_at_count: 10n})
    assert.deepEqual(config.envs, {})
  })
})

describe('parseExecFile', () => {
  it('reads a user-edited file and warns about an unknown key with the closest known one', () => {
    const {config, warnings} = parseExecFile(fixture('user-edited.yaml'), 'spec.yaml')
    assert.equal(config.targetProject, 'flyteexamples')
    assert.equal(config.targetDomain, 'staging')
    assert.equal(config.kubeServiceAcct, 'default')
    assert.deepEqual(config.envs, {LOG_LEVEL: 'debug'})
    assert.deepEqual(config.inputs, {numbers: [5n, 1n, 3n], run_local_at_count: 2n})
    assert.equal(config.overwriteCache, undefined)
    assert.deepEqual(warnings, ['execFile spec.yaml: unknown key "overwriteCach" (did you mean "overwriteCache"?)'])
  })
  it('needs exactly one of task and workflow', () => {
    assert.deepEqual(parseExecFile('task: t').config, {task: 't'})
    assert.throws(() => parseExecFile('', 'f.yaml'), /execFile f\.yaml: expected a map/)
  })
  const bad: [string, string, RegExp][] = [
    ['malformed YAML', 'workflow: [a\nversion: v1', /not valid YAML \(line 2, column \d+\)/],
    ['a top-level list', '- a\n- b', /expected a map/],
    ['a numeric version', 'workflow: wf\nversion: 1', /"version" must be a string, got number 1/],
    ['neither task nor workflow', 'version: v1', /either task or workflow name should be specified/],
    ['both task and workflow', 'task: t\nworkflow: w', /either task or workflow name should be specified/],
    ['a non-boolean flag', 'workflow: w\noverwriteCache: "yes"', /"overwriteCache" must be true or false/],
    ['inputs as a list', 'workflow: w\ninputs: [1, 2]', /"inputs" must be a map/],
    ['a numeric env value', 'workflow: w\nenvs:\n  PORT: 8080', /"envs.PORT" must be a string/],
  ]
  for (const [what, text, message] of bad) {
    it(`rejects ${what} with a one-line invalid-input error`, () => {
      assert.throws(
        () => parseExecFile(text, 'f.yaml'),
        (err: unknown) => {
          assert.ok(err instanceof CliError)
          assert.equal(err.code, 'invalid-input')
          assert.match(err.message, /^execFile f\.yaml: /)
          assert.match(err.message, message)
          assert.ok(!err.message.includes('\n'))
          return true
        },
      )
    })
  }
})
