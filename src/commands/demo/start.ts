import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {StartResult} from '../../demo/service.js'

export default class DemoStart extends BaseCommand<typeof DemoStart> {
  static override summary = 'Starts the local Flyte control plane in the background (no Docker).'
  static override description = `Runs a FlyteAdmin-compatible control plane on 127.0.0.1:<port> as a detached process, with SQLite storage and a local executor under the data directory, waits until it answers, and writes ~/.flyte/config-sandbox.yaml pointing at it.
Running it again while it is up changes nothing, and says so when this shell's FLYTECTL_DEMO_PATH or PYTHONPATH differ from the ones the running plane's tasks see; --restart stops it and starts it again with this shell's. With no config file at all, flytectl already targets localhost:30080.`
  static override examples = [
    '<%= config.bin %> demo start',
    '<%= config.bin %> demo start --port 30081',
    '<%= config.bin %> demo start --dataDir /tmp/flyte-demo',
    '<%= config.bin %> demo start --env AWS_PROFILE --env MY_SETTING=1',
    '<%= config.bin %> demo start --auth',
    '<%= config.bin %> demo start --auth --opa-url http://127.0.0.1:8181/v1/data/flyte/authz',
    '<%= config.bin %> demo start --auth --oidc-issuer https://idp.example.com/oauth2/default --oidc-audience api://flyte',
    '<%= config.bin %> demo start --max-tasks 4',
    '<%= config.bin %> demo start --retain 30d',
    '<%= config.bin %> demo start --no-examples',
    '<%= config.bin %> demo start --events-config events.yaml',
    'FLYTECTL_DEMO_PATH=$PWD/.venv/bin <%= config.bin %> demo start --restart',
  ]
  static override flags = {
    port: Flags.integer({
      description: 'Port the control plane listens on (gRPC and HTTP)',
      default: 30080,
      min: 1,
      max: 65535,
    }),
    dataDir: Flags.string({description: 'Directory for its database, blobs and logs (default ~/.flyte/demo)'}),
    env: Flags.string({
      description:
        'Pass a variable of this shell (NAME) or a value (NAME=value) to tasks; they otherwise see only PATH, HOME, locale, TZ and Python/virtualenv variables',
      multiple: true,
    }),
    maxMessageSize: Flags.string({
      description: 'Largest REST body or gRPC/Connect message the plane accepts, e.g. 64MiB (default 16MiB)',
    }),
    maxUploadSize: Flags.string({
      description: 'Largest blob upload (pyflyte packages, FlyteFile data) the plane accepts, e.g. 4GiB (default 1GiB)',
    }),
    'notify-webhook': Flags.string({
      description:
        'Also POST each notification message (JSON) to this http(s) URL; they are always written to <dataDir>/notifications/outbox',
    }),
    'events-config': Flags.string({
      description:
        'Publish execution events as this YAML file says (FlyteAdmin’s cloudEvents/externalEvents sections: Kafka, webhook); without it, CloudEvents go to <dataDir>/events/cloudevents.ndjson only',
    }),
    statsd: Flags.string({
      description:
        'Also push the plane’s metrics (those of /metrics) to this StatsD server every 10 s over UDP, as host:port (e.g. 127.0.0.1:8125)',
    }),
    'max-tasks': Flags.integer({
      description:
        'Task processes the control plane runs at once across all executions; the rest queue (default: the number of CPUs, at least 2)',
      min: 1,
    }),
    retain: Flags.string({
      description:
        'Delete the inputs, outputs and logs of executions that ended longer ago than this (e.g. 30d, 12h), in the background; their rows stay, marked as expired. Off by default',
    }),
    restart: Flags.boolean({
      description:
        'Stop a running control plane first and start it again with this shell’s environment (FLYTECTL_DEMO_PATH, PYTHONPATH) and --port',
      default: false,
    }),
    auth: Flags.boolean({
      description:
        'Turn auth on: the plane runs its own OAuth2 server (client credentials, PKCE, device flow) and every call needs a token; the config written uses client credentials',
      default: false,
    }),
    examples: Flags.boolean({
      description:
        'Seed example launch plans (examples.hello_world, examples.arithmetic, examples.collatz_step, examples.map_square) in flytesnacks/development; they run with sh and awk, nothing else. --no-examples skips them',
      default: true,
      allowNo: true,
    }),
    'opa-url': Flags.string({
      description:
        "With --auth: send each call's decision input to this OPA data-API URL and obey its answer (deny on error or after 2 s) instead of the plane's policy.yaml",
      dependsOn: ['auth'],
    }),
    'oidc-issuer': Flags.string({
      description:
        "With --auth: trust this external OIDC provider (its /.well-known/openid-configuration and JWKS) instead of the plane's own OAuth2 server; https, or http on localhost",
      dependsOn: ['auth'],
    }),
    'oidc-client-id': Flags.string({
      description:
        'With --oidc-issuer: the client id its ID tokens are issued for (calls may then send "IDToken <token>"); also the public client id the plane tells clients',
      dependsOn: ['oidc-issuer'],
    }),
    'oidc-audience': Flags.string({
      description:
        "With --oidc-issuer: an audience accepted on the provider's access tokens besides the plane's URL (repeatable; the first is the audience clients ask for)",
      dependsOn: ['oidc-issuer'],
      multiple: true,
    }),
  }

  async run(): Promise<StartResult> {
    const hook = this.flags['notify-webhook']
    if (hook !== undefined && !/^https?:\/\/[^\s]+$/.test(hook)) {
      const {CliError} = await import('../../cli/errors.js')
      throw new CliError('usage', `--notify-webhook ${hook} is not an http(s) URL`, {
        hint: 'Give the full URL, e.g. --notify-webhook http://127.0.0.1:9000/flyte.',
      })
    }
    const issuer = this.flags['oidc-issuer']
    if (issuer !== undefined) {
      const {checkIssuerUrl} = await import('../../demo/start-flags.js')
      checkIssuerUrl(issuer)
    }
    const retain = this.flags.retain
    if (retain !== undefined) {
      const {parseRetain} = await import('../../controlplane/retain.js')
      const ms = parseRetain(retain)
      if (typeof ms === 'string') {
        const {CliError} = await import('../../cli/errors.js')
        throw new CliError('usage', ms, {hint: 'Example: flytectl demo start --retain 30d'})
      }
    }
    const statsd = this.flags.statsd
    if (statsd !== undefined) {
      const [{parseStatsdTarget}, {CliError}] = await Promise.all([
        import('../../controlplane/statsd-target.js'),
        import('../../cli/errors.js'),
      ])
      const t = parseStatsdTarget(statsd)
      if (typeof t === 'string')
        throw new CliError('usage', t, {hint: 'Example: flytectl demo start --statsd 127.0.0.1:8125'})
    }
    const eventsConfig = this.flags['events-config']
    if (eventsConfig !== undefined) {
      const [{resolve}, {loadEventsConfig}, {CliError}] = await Promise.all([
        import('node:path'),
        import('../../controlplane/events/config.js'),
        import('../../cli/errors.js'),
      ])
      try {
        loadEventsConfig(resolve(eventsConfig))
      } catch (err) {
        throw new CliError('usage', (err as Error).message, {
          hint: 'Fix the file (see README, "Execution events"); nothing was started.',
        })
      }
    }
    const [{startDemo}, {parseByteSize, resolveEnvFlags}] = await Promise.all([
      import('../../demo/service.js'),
      import('../../demo/start-flags.js'),
    ])
    const {maxMessageSize, maxUploadSize} = this.flags
    const r = await startDemo({
      port: this.flags.port,
      dataDir: this.flags.dataDir,
      restart: this.flags.restart,
      maxMessageBytes: maxMessageSize === undefined ? undefined : parseByteSize(maxMessageSize, 'maxMessageSize'),
      maxUploadBytes: maxUploadSize === undefined ? undefined : parseByteSize(maxUploadSize, 'maxUploadSize'),
      passEnv: resolveEnvFlags(this.flags.env ?? []),
      ...(this.flags.auth ? {auth: true} : {}),
      ...(this.flags['opa-url'] ? {opaUrl: this.flags['opa-url']} : {}),
      ...(issuer ? {oidcIssuer: issuer} : {}),
      ...(this.flags['oidc-client-id'] ? {oidcClientId: this.flags['oidc-client-id']} : {}),
      ...(this.flags['oidc-audience']?.length ? {oidcAudiences: this.flags['oidc-audience']} : {}),
      ...(this.flags['max-tasks'] ? {maxTasks: this.flags['max-tasks']} : {}),
      ...(this.flags['notify-webhook'] ? {notifyWebhook: this.flags['notify-webhook']} : {}),
      ...(retain ? {retain: retain.trim()} : {}),
      ...(this.flags.examples ? {} : {examples: false}),
      ...(eventsConfig ? {eventsConfig: (await import('node:path')).resolve(eventsConfig)} : {}),
      ...(statsd ? {statsd: statsd.trim()} : {}),
      note: (l) => this.note(l),
    })
    if (r.alreadyRunning && (this.flags.env?.length || maxMessageSize || maxUploadSize || retain)) {
      this.note(
        'Note: the running control plane keeps the --env, size limits and --retain it was started with; add --restart to apply these.',
      )
    }
    if (r.alreadyRunning && r.port !== this.flags.port) {
      this.note(
        `Note: it listens on ${r.port}, not ${this.flags.port}; run \`flytectl demo teardown\` first to change the port ` +
          `(or \`flytectl demo start --restart --port ${this.flags.port}\`).`,
      )
    }
    if (r.settingsDiffer.length > 0) {
      this.note(
        [
          'Warning: the running control plane keeps the environment it was started with; its tasks do not see this shell’s:',
          ...r.settingsDiffer.map((d) => `  ${d}`),
          `Restart it to apply this shell’s values: flytectl demo start --restart --port ${r.port}`,
        ].join('\n'),
      )
    }
    const head = r.alreadyRunning
      ? `The local control plane is already running (pid ${r.pid}) on 127.0.0.1:${r.port}.`
      : `Flyte is ready! The local control plane is listening on 127.0.0.1:${r.port} (pid ${r.pid}, healthy after ${Math.round(r.startupMs)} ms).`
    this.out(
      [
        head,
        `Console: http://127.0.0.1:${r.port}/console`,
        `Data directory: ${r.dataDir}`,
        `Notifications: ${r.dataDir}/notifications/outbox (one JSON file per message)`,
        retain && !r.alreadyRunning
          ? `Retention: the inputs, outputs and logs of an execution are deleted ${retain.trim()} after it ends; its rows stay.`
          : '',
        `Execution events: ${r.dataDir}/events/cloudevents.ndjson (one CloudEvent per line)`,
        `Config written to ${r.configPath}. To use it:`,
        `export FLYTECTL_CONFIG=${r.configPath}`,
        r.port === 30080 && !r.auth ? 'With no config file at all, flytectl already targets localhost:30080.' : '',
        ...(r.credentials
          ? [
              `Auth is on. Client ${r.credentials.clientId} (the config uses it): secret in ${r.credentials.clientSecretFile}`,
              `User ${r.credentials.adminUser} (browser or device login): password in ${r.credentials.adminPasswordFile}`,
              `Add users and clients in ${r.credentials.identities}; roles in ${r.credentials.policy}.`,
            ]
          : []),
        ...(r.oidcIssuer
          ? [
              `Auth is on with the OIDC issuer ${r.oidcIssuer}: calls need its tokens (the config uses Pkce; for client credentials set admin.authType ClientSecret, admin.clientId and admin.clientSecretLocation).`,
              `Roles for its subjects and groups: ${r.dataDir}/auth/policy.yaml.`,
            ]
          : []),
        ...(this.flags.examples && !r.alreadyRunning
          ? [
              'Example launch plans are in flytesnacks/development (`flytectl get launchplan -p flytesnacks -d development`); run one:',
              'flytectl create execution --launchplan examples.hello_world -p flytesnacks -d development --wait',
            ]
          : []),
        'Stop it with `flytectl demo teardown`.',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    return r
  }
}
