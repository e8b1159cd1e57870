// What the repository keeps of deployments: Ignition journals of public networks are committed
// (`hardhat ignition verify` needs them), those of the local chains never are (the chains start
// empty, and a stale journal would name contracts that no longer exist), and every public network
// has a parameters file that holds parameters, not secrets.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { readCheckpointDeployment } from '../../gateway/src/anchoring/readCheckpointDeployment.ts'
import { readAccessDeployment } from '../../gateway/src/cli/readAccessDeployment.ts'
import { readRegistryDeployment } from '../../gateway/src/cli/readRegistryDeployment.ts'
import config, { LOCAL_CHAIN_IDS } from '../../hardhat.config.ts'
import { readDeployment } from '../../scripts/readDeployment.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Whether git would leave `path` out of a commit. */
function ignored(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '--no-index', '-q', path], { cwd: root })
    return true
  } catch {
    return false
  }
}

const networks = Object.entries(config.networks ?? {})
const localIds = Object.values(LOCAL_CHAIN_IDS) as number[]
const publicNetworks = networks.filter(
  ([, n]) => n.type === 'http' && n.chainId !== undefined && !localIds.includes(n.chainId),
)

describe('deployment files in the repository', () => {
  test('behavior: journals of the local chains are ignored, wherever a deploy writes them', () => {
    for (const id of localIds) {
      assert.ok(ignored(`ignition/deployments/chain-${id}/journal.jsonl`), `chain-${id}`)
      assert.ok(ignored(`deployments/ignition/chain-${id}/journal.jsonl`), `chain-${id}`)
      assert.ok(ignored(`deployments/ignition/chain-${id}.instance`), `chain-${id}.instance`)
    }
  })

  test('behavior: journals and deployment files of public networks are not ignored', () => {
    assert.ok(publicNetworks.length >= 4, 'sepolia, amoy, ethereum, polygon')
    for (const [name, network] of publicNetworks) {
      const dir = `ignition/deployments/chain-${network.chainId}`
      for (const file of ['journal.jsonl', 'deployed_addresses.json', 'build-info/x.json'])
        assert.ok(!ignored(`${dir}/${file}`), `${dir}/${file}`)
      assert.ok(!ignored(`deployments/${name}.json`), `deployments/${name}.json`)
    }
  })

  test('behavior: every public network has Ignition parameters naming only the module parameters, no secret', () => {
    for (const [name] of publicNetworks) {
      const file = join(root, 'ignition', 'parameters', `${name}.json`)
      assert.ok(existsSync(file), `ignition/parameters/${name}.json`)
      const text = readFileSync(file, 'utf8')
      const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>
      assert.deepEqual(Object.keys(parsed), ['Registries'], name)
      for (const key of Object.keys(parsed.Registries ?? {}))
        assert.ok(['admin', 'adminDelay'].includes(key), `${name}: unknown parameter ${key}`)
      // A 32-byte hex string in a parameters file could only be a private key.
      assert.doesNotMatch(text, /0x[0-9a-fA-F]{64}/, name)
    }
  })

  test('behavior: the local deployment files name the three registries, and every reader finds the AccessRegistry', () => {
    for (const [network, chainId] of [
      ['ethereumLocal', 31337],
      ['polygonLocal', 31338],
    ] as const) {
      const file = join(root, 'deployments', `${network}.json`)
      const stack = readDeployment(file)
      const access = stack.contracts.AccessRegistry
      assert.ok(access, `${network}: contracts.AccessRegistry`)
      // Deployed after the other two, which keep the addresses a fresh local chain gave them.
      assert.equal(
        stack.contracts.CheckpointRegistry.address,
        '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      )
      assert.ok(access.blockNumber > stack.contracts.CheckpointRegistry.blockNumber)
      assert.equal(readCheckpointDeployment(file).access, access.address)
      assert.equal(readCheckpointDeployment(file).accessBlock, BigInt(access.blockNumber))
      assert.equal(readRegistryDeployment(file).access, access.address)
      assert.deepEqual(readAccessDeployment(join(root, 'deployments'), chainId), {
        access: access.address,
        fromBlock: BigInt(access.blockNumber),
        file,
      })
    }
  })

  test('behavior: RPC URLs and deployer keys of public networks are configuration variables', () => {
    for (const [name, network] of publicNetworks) {
      assert.equal(network.type, 'http')
      if (network.type !== 'http') continue
      assert.equal(typeof network.url, 'object', `${name}: url`)
      assert.ok(Array.isArray(network.accounts), `${name}: accounts`)
      for (const account of network.accounts as unknown[])
        assert.equal(typeof account, 'object', `${name}: a key in the config`)
    }
  })
})
