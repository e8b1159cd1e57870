import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { type ChildGateway, killHard, startChildGateway } from '../helpers/child.ts'
import { auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'

const sha256 = (data: Uint8Array) => `0x${createHash('sha256').update(data).digest('hex')}`

// What an operator runs: `tml gateway start --store postgres://… --custodian …` (refused before
// the vault had a PostgreSQL store), as a real child process over real HTTP.
describe('tml gateway start --store postgres://… with custodians', () => {
  let cluster: PostgresCluster
  let live: ChildGateway | undefined
  before(async () => {
    cluster = await startPostgresCluster()
  })
  after(async () => {
    if (live) await killHard(live)
    await cluster?.stop()
  })

  test('behavior: starts with the vault on; each decision is sealed in PostgreSQL and its envelope is the one its MTL names', async () => {
    const url = await createDatabase(cluster.url, 'vault_cli')
    const custodians = await Promise.all([1, 2].map(() => generateVaultKeyPair()))
    live = await startChildGateway({
      dataDir: tempDir('tml-vault-cli-'),
      env: { TML_API_KEYS: 'tester:test-token-0123456789abcdef' },
      args: [
        '--store',
        url,
        '--no-anchoring',
        ...custodians.flatMap((c, i) => ['--custodian', `c${i}=${c.publicKey}`]),
      ],
    })
    const res = await fetch(new URL('/v1/decisions', live.url), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(SMALLEST),
    })
    assert.equal(res.status, 200, await res.clone().text())
    const { trace_id } = (await res.json()) as { trace_id: string }
    const trace = (await (
      await fetch(new URL(`/v1/traces/${trace_id}`, live.url), { headers: auth })
    ).json()) as { mtl: { evidence_seal?: string } }
    const sealed = await fetch(new URL(`/v1/vault/records/${trace_id}`, live.url))
    assert.equal(sealed.status, 200)
    const { envelope, epoch } = (await sealed.json()) as { envelope: string; epoch: number }
    assert.equal(sha256(Buffer.from(envelope.slice(2), 'hex')), trace.mtl.evidence_seal)
    const shares = await fetch(new URL(`/v1/vault/epochs/${epoch}`, live.url))
    assert.equal(shares.status, 200, 'the epoch key is stored, wrapped to the custodians')
  })
})
