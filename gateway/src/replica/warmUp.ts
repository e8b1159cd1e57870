import type { BuildServerParameters } from '../http/buildServer.ts'
import { buildServer } from '../http/buildServer.ts'
import { MemoryLogStore } from '../memory/MemoryLogStore.ts'
import { MemoryPolicyArchive } from '../policy/MemoryPolicyArchive.ts'
import { type CreateGatewayParameters, createGateway } from '../service/createGateway.ts'

/**
 * Runs a follower's gateway code once, on a throwaway in-memory log (no lane, no database, no
 * chain), and drops it: the HTTP server's schema compilation and the first run of the decision
 * path are then done before this replica may have to take over, instead of during the failover
 * (measured: the first `buildServer` of a process takes about twice as long as later ones).
 * Nothing of it is kept or written anywhere.
 *
 * @example
 * void warmUp({ gateway: { keys, policies }, server: { apiKeys: keys.apiKeys } })
 */
export async function warmUp({
  gateway,
  server,
}: {
  gateway: Pick<CreateGatewayParameters, 'keys' | 'policies'>
  server: Omit<BuildServerParameters, 'gateway' | 'logger'>
}): Promise<void> {
  const scratch = await createGateway({
    keys: gateway.keys,
    policies: gateway.policies,
    store: new MemoryLogStore(),
    policyArchive: new MemoryPolicyArchive(),
    writer: 'inline',
  })
  try {
    // Process metrics belong to the real server alone.
    const app = await buildServer({ gateway: scratch, ...server, processMetrics: false })
    await app.ready()
    await app.inject({ method: 'GET', url: '/readyz' })
    const key = server.apiKeys[0]
    const profile = [...gateway.policies.keys()][0]
    if (key && profile)
      await app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: { authorization: `Bearer ${key.token}` },
        payload: { profile, input: { text: 'warm-up' }, signals: { confidence: 1 } },
      })
    await app.close()
  } finally {
    await scratch.close()
  }
}
