// The whole EKR flow on a local chain: custodians declared on chain, an auditor's request, k
// approvals, releases re-wrapped to the auditor, and the auditor opening a sealed record that a
// gateway (real HTTP on 127.0.0.1) anchored; then every way it must be refused.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Hex } from '@tml/core'
import type { Address, PublicClient } from 'viem'
import { main } from '../../src/cli/main.ts'
import { writeKeystore } from '../../src/keys/writeKeystore.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { createGateway } from '../../src/service/createGateway.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { openWithGrant } from '../../src/vault/openWithGrant.ts'
import { VaultError } from '../../src/vault/VaultError.ts'
import { fetchSealedRecord } from '../../src/vault/vaultHttp.ts'
import type { LocalChain } from '../e2e/localChains.ts'
import { AUDITOR_KEY, CUSTODIAN_KEYS, type EkrChain, startEkrChain } from '../helpers/ekr.ts'
import {
  API_TOKEN,
  auth,
  policyDirWith,
  serveTestGateway,
  type TestGateway,
} from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const HOUR = 3600n

const vaultError = (code: string) => (e: unknown) => e instanceof VaultError && e.code === code

describe('auditor access (EKR) on a local chain', () => {
  let ekr: EkrChain
  let chain: LocalChain & { logId: Hex }
  let t: TestGateway
  let gatewayUrl: string
  let client: PublicClient
  let access: Address
  let x25519: { publicKey: Hex; privateKey: Hex }[]
  let auditorX: { publicKey: Hex; privateKey: Hex }
  let strangerX: { publicKey: Hex; privateKey: Hex }

  before(async () => {
    ekr = await startEkrChain()
    ;({ chain, client, access, custodians: x25519 } = ekr)
    auditorX = await generateVaultKeyPair()
    strangerX = await generateVaultKeyPair()

    const dir = tempDir('tml-ekr-')
    const keys = ekr.gatewayKeys(dir)
    const gateway = await createGateway({
      keys,
      policies: loadPolicies({ paths: [policyDirWith(dir)] }),
      dataDir: dir,
      // Short epochs, so that two records fall into two epochs.
      vault: { set: ekr.custodianSet, periodMs: 1000 },
    })
    t = await serveTestGateway(gateway, dir, { apiKeys: keys.apiKeys })
    gatewayUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(async () => {
    await t?.close()
    await ekr?.stop()
  })

  const send = (key: Hex, functionName: string, args: readonly unknown[]) =>
    ekr.send(key, functionName, args)

  async function decide(): Promise<{
    traceId: string
    mtl: { log_id: Hex; seq: number; evidence_seal?: Hex; input_hash: Hex }
  }> {
    const response = await fetch(new URL('/v1/decisions', gatewayUrl), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        profile: 'general',
        input: { text: 'hello' },
        signals: { confidence: 0.99, harm: 0.01 },
      }),
    })
    const answer = (await response.json()) as { trace_id: string }
    const trace = await fetch(new URL(`/v1/traces/${answer.trace_id}`, gatewayUrl), {
      headers: auth,
    })
    return { traceId: answer.trace_id, mtl: ((await trace.json()) as { mtl: never }).mtl }
  }

  const grantCount = () => ekr.grantCount()

  const release = (custodian: number, grantId: bigint, epochs: number[]) =>
    ekr.release(custodian, grantId, epochs, gatewayUrl)

  it('tml custodian and tml audit-access do the same from the command line', async () => {
    const dir = tempDir('tml-ekr-cli-')
    const password = join(dir, 'password')
    writeFileSync(password, 'ekr test password\n')
    const keystore = async (name: string, privateKey: Hex) => {
      const file = join(dir, `${name}.json`)
      await writeKeystore({ file, password: 'ekr test password', privateKey, light: true })
      return file
    }
    const run = async (argv: string[], env: Record<string, string> = {}) => {
      let out = ''
      let err = ''
      const code = await main({
        argv,
        io: {
          out: (x) => {
            out += x
          },
          err: (x) => {
            err += x
          },
          env: {
            TML_RPC_URL: chain.nodeUrl,
            TML_ACCESS_REGISTRY: access,
            TML_GATEWAY_URL: gatewayUrl,
            ...env,
          },
        },
      })
      return { code, out, err }
    }
    const auditorKeyFile = join(dir, 'auditor.x25519')
    const keygen = await run(['custodian', 'keygen', '--out', auditorKeyFile])
    assert.equal(keygen.code, 0, keygen.err)
    const auditorPublic = keygen.out.trim()
    const custodianKeyFiles = x25519.map((k, i) => {
      const file = join(dir, `c${i}.x25519`)
      writeFileSync(file, `${k.privateKey}\n`)
      return file
    })
    const { traceId } = await decide()
    const sealed = await fetchSealedRecord({ gatewayUrl, traceId })
    const epoch = String(sealed.epoch)
    const auditorStore = await keystore('auditor', AUDITOR_KEY)
    const requested = await run([
      'audit-access',
      'request',
      '--log',
      chain.logId,
      '--from',
      epoch,
      '--to',
      epoch,
      '--duration',
      '600',
      '--x25519-public-key',
      auditorPublic,
      '--keystore',
      auditorStore,
      '--password-file',
      password,
    ])
    assert.equal(requested.code, 0, requested.err)
    const grant = /grant (\d+)/.exec(requested.out)?.[1] as string
    assert.equal(BigInt(grant), await grantCount())
    const stores = [
      await keystore('c0', CUSTODIAN_KEYS[0] as Hex),
      await keystore('c1', CUSTODIAN_KEYS[1] as Hex),
    ]
    const as = (i: number) => ['--keystore', stores[i] as string, '--password-file', password]
    const releaseArgs = (i: number) => [
      'custodian',
      'release',
      '--grant',
      grant,
      '--epoch',
      epoch,
      '--x25519-key-file',
      custodianKeyFiles[i] as string,
      ...as(i),
    ]
    assert.equal((await run(['custodian', 'approve', '--grant', grant, ...as(0)])).code, 0)
    // One approval of two: the contract refuses the release, and the command says so.
    const early = await run(releaseArgs(0))
    assert.equal(early.code, 1)
    assert.match(early.err, /AccessGrantNotLive/)
    assert.equal((await run(['custodian', 'approve', '--grant', grant, ...as(1)])).code, 0)
    for (const i of [0, 1]) {
      const released = await run(releaseArgs(i))
      assert.equal(released.code, 0, released.err)
    }
    const fetched = await run(
      [
        'audit-access',
        'fetch',
        '--grant',
        grant,
        '--trace',
        traceId,
        '--x25519-key-file',
        auditorKeyFile,
      ],
      { TML_API_KEY: API_TOKEN },
    )
    assert.equal(fetched.code, 0, fetched.err)
    assert.equal(
      (JSON.parse(fetched.out) as { record: { trace_id: string } }).record.trace_id,
      traceId,
    )
    const wrongKey = await run(
      [
        'audit-access',
        'fetch',
        '--grant',
        grant,
        '--trace',
        traceId,
        '--x25519-key-file',
        custodianKeyFiles[2] as string,
      ],
      { TML_API_KEY: API_TOKEN },
    )
    assert.equal(wrongKey.code, 1)
    assert.match(wrongKey.err, /does not open with this key/)
  })

  it('a grant in scope decrypts; outside the range, with k-1 approvals, with another key, after expiry: refused', async () => {
    const first = await decide()
    const firstSealed = await fetchSealedRecord({ gatewayUrl, traceId: first.traceId })
    let second = await decide()
    let secondSealed = await fetchSealedRecord({ gatewayUrl, traceId: second.traceId })
    for (let i = 0; i < 40 && secondSealed.epoch === firstSealed.epoch; i++) {
      await new Promise((r) => setTimeout(r, 100))
      second = await decide()
      secondSealed = await fetchSealedRecord({ gatewayUrl, traceId: second.traceId })
    }
    assert.notEqual(
      secondSealed.epoch,
      firstSealed.epoch,
      'the two records are sealed in two epochs',
    )
    const epoch = firstSealed.epoch

    // The auditor asks for the first record's epoch only, for an hour.
    await send(AUDITOR_KEY, 'requestAccess', [
      chain.logId,
      BigInt(epoch),
      BigInt(epoch),
      HOUR,
      auditorX.publicKey,
    ])
    const grantId = await grantCount()
    const open = (sealed = firstSealed, mtl = first.mtl, auditorKey = auditorX.privateKey) =>
      openWithGrant({
        publicClient: client,
        accessRegistry: access,
        grantId,
        auditorKey,
        sealed,
        mtl,
      })

    // k-1 approvals: the contract refuses the release, and the auditor has nothing to open with.
    await send(CUSTODIAN_KEYS[0] as Hex, 'approve', [grantId])
    await assert.rejects(release(0, grantId, [epoch]), /AccessGrantNotLive/)
    await assert.rejects(open(), vaultError('TML_VAULT_SHARES'))

    // k approvals: live; two custodians release; the auditor opens the anchored record.
    await send(CUSTODIAN_KEYS[1] as Hex, 'approve', [grantId])
    await release(0, grantId, [epoch])
    await release(1, grantId, [epoch])
    const record = await open()
    assert.equal(
      `0x${createHash('sha256')
        .update(record.evidence ?? '')
        .digest('hex')}`,
      first.mtl.input_hash,
    )
    assert.equal(record.trace_id, first.traceId)

    // Another auditor key (the releases are wrapped to the grant's): refused.
    await assert.rejects(
      open(firstSealed, first.mtl, strangerX.privateKey),
      vaultError('TML_VAULT_KEY'),
    )
    // A record of an epoch outside the range: the contract refuses its release, the auditor cannot open it.
    await assert.rejects(release(2, grantId, [secondSealed.epoch]), /AccessEpochOutOfRange/)
    await assert.rejects(open(secondSealed, second.mtl), vaultError('TML_VAULT_SHARES'))
    // A swapped envelope (the other record's) does not pass for the anchored one.
    await assert.rejects(open({ ...secondSealed, epoch }, first.mtl), vaultError('TML_VAULT_SEAL'))

    // After expiry nothing more is released (what was released stays released: see README).
    await chain.rpc('evm_increaseTime', [Number(HOUR)])
    await chain.rpc('evm_mine')
    await assert.rejects(release(2, grantId, [epoch]), /AccessGrantExpired/)
  })
})
