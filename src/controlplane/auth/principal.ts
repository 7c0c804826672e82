/** The caller of the RPC being served (auth on), known to services for the length of the call. */
import {AsyncLocalStorage} from 'node:async_hooks'

/** Who made a call, as the policy and the audit log see them. */
export interface Principal {
  kind: 'client' | 'user'
  /** Client id or user name (the token's `sub`). */
  name: string
  clientId: string
  groups: string[]
  scopes: string[]
}

export const principalStore = new AsyncLocalStorage<Principal>()

export function currentPrincipal(): Principal | undefined {
  return principalStore.getStore()
}
