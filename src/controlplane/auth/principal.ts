/** The caller of the RPC being served (auth on), known to services for the length of the call. */
import {AsyncLocalStorage} from 'node:async_hooks'

/** Who made a call, as the policy and the audit log see them. */
export interface Principal {
  /** `execution`: a task of an execution, with the plane's per-execution token (see exec-tokens.ts). */
  kind: 'client' | 'user' | 'execution'
  /** Client id or user name (the token's `sub`). */
  name: string
  clientId: string
  groups: string[]
  scopes: string[]
  /** For kind `execution`: the execution whose project and domain bound what it may do. */
  execution?: {project: string; domain: string; name: string}
}

export const principalStore = new AsyncLocalStorage<Principal>()

export function currentPrincipal(): Principal | undefined {
  return principalStore.getStore()
}
