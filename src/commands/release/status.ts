import {Flags} from '@oclif/core'
import {offlineFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {ComponentStatus} from '../../release/inspect.js'

export default class ReleaseStatus extends ReleaseCommand<typeof ReleaseStatus> {
  static override summary = 'Show what is released where and what is pending, per component.'
  static override examples = ['<%= config.bin %> release status', '<%= config.bin %> release status --json']
  static override flags = {
    ...releaseFlags,
    ...offlineFlags,
    component: Flags.string({description: 'only these components (repeatable)', multiple: true}),
  }

  async run(): Promise<ComponentStatus[]> {
    const [manifest, {releaseStatus}, {renderTable}] = await Promise.all([
      this.manifest(),
      import('../../release/inspect.js'),
      import('../../cli/printer.js'),
    ])
    const forge = await this.forge(true)
    const rows = await releaseStatus(forge, manifest, this.flags.component)
    this.out(
      renderTable(
        [
          {header: 'Component', path: 'component'},
          {header: 'Repository', path: 'repository'},
          {header: 'Aligned', path: 'aligned'},
          {header: 'Release', path: (r: ComponentStatus) => r.latestRelease ?? '-'},
          {header: 'Beta', path: (r: ComponentStatus) => r.latestPrerelease ?? '-'},
          {
            header: 'Pending',
            path: (r: ComponentStatus) => (r.pending === null ? '-' : `${r.pending} on ${r.defaultBranch}`),
          },
          {header: 'Release branches', path: (r: ComponentStatus) => r.releaseBranches.join(' ')},
        ],
        rows,
      ),
    )
    this.offlineNotes()
    return rows
  }
}
