/** A flytekit-like repository for backport tests: two release branches and merged PRs of every kind. */
export const BACKPORT_SCENARIO = `
repos:
  - name: flyteorg/flytekit
    defaultBranch: master
    labels:
      - {name: bug, description: "Something is broken"}
      - {name: security, description: "Security fix"}
      - {name: backport, description: "Port to the previous release branch"}
      - {name: "backport release-v1.13", description: "Port to release-v1.13"}
    branches:
      master:
        - {message: "Initial commit", files: {README.md: "flytekit\\n", flytekit/core.py: "a = 1\\nb = 2\\nc = 3\\n"}}
      release-v1.13:
        from: master
        commits:
          - {message: "Release-only change", files: {flytekit/core.py: "a = 1\\nb = 20\\nc = 3\\n"}}
      release-v1.14:
        from: master
        commits:
          - {message: "Bump to 1.14", files: {VERSION: "1.14.0\\n"}}
      fix-clean:
        from: master
        commits:
          - {message: "Fix clean thing", files: {flytekit/clean.py: "fixed = True\\n"}}
      fix-conflict:
        from: master
        commits:
          - {message: "Change b", files: {flytekit/core.py: "a = 1\\nb = 200\\nc = 3\\n"}}
      feat-merge:
        from: master
        commits:
          - {message: "Add merged.py", files: {flytekit/merged.py: "one\\n"}}
          - {message: "Extend merged.py", files: {flytekit/merged.py: "one\\ntwo\\n"}}
      feat-rebase:
        from: master
        commits:
          - {message: "Add rebased.py", files: {flytekit/rebased.py: "r1\\n"}}
          - {message: "Extend rebased.py", files: {flytekit/rebased.py: "r1\\nr2\\n"}}
      fix-security:
        from: master
        commits:
          - {message: "Escape user input", files: {flytekit/security.py: "escape = True\\n"}}
      chore:
        from: master
        commits:
          - {message: "Tidy docs", files: {docs.md: "docs\\n"}}
    pulls:
      - {title: "Fix clean thing", head: fix-clean, base: master, merge: squash, labels: [bug]}
      - {title: "Change b", head: fix-conflict, base: master, merge: squash, labels: [bug, "backport release-v1.13"]}
      - {title: "Merged feature", head: feat-merge, base: master, merge: merge, labels: [backport]}
      - {title: "Rebased feature", head: feat-rebase, base: master, merge: rebase, labels: [backport]}
      - {title: "Escape user input", head: fix-security, base: master, merge: squash, labels: [security]}
      - {title: "Tidy docs", head: chore, base: master, merge: squash}
`

export const REPO = 'flyteorg/flytekit'
/** PR numbers in the scenario's order. */
export const PR = {clean: 1, conflict: 2, merge: 3, rebase: 4, security: 5, chore: 6}
