/** What an updater (updaters.ts) throws when a file is not as the manifest says; apart so a caller can test for it without loading the parsers. */
export class UpdaterError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UpdaterError'
  }
}
