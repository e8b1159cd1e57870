// Where the gateway's custodians come from: the deployment files that name an AccessRegistry, the
// `--access-registry` flag, and the rule that the chain's declaration wins over `--custodian`
// flags, which must match it.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Hex } from '@tml/core'
import { readCheckpointDeployment } from '../../src/anchoring/readCheckpointDeployment.ts'
import { readAccessDeployment } from '../../src/cli/readAccessDeployment.ts'
import { accessSource } from '../../src/vault/accessFromChain.ts'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { custodySet, reconcileCustodians } from '../../src/vault/chainCustodians.ts'
import { VaultError } from '../../src/vault/VaultError.ts'
import { tempDir } from '../helpers/memory.ts'

const key = (n: number) => `0x${n.toString(16).padStart(2, '0').repeat(32)}` as Hex
const ACCOUNTS = [
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
] as const
const CHECKPOINT = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const ACCESS = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0'

function deploymentsWith(files: Record<string, unknown>): string {
  const dir = tempDir('tml-access-dep-')
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(content))
  return dir
}
const deployment = (chainId: number, access?: unknown) => ({
  chainId,
  contracts: {
    CheckpointRegistry: { address: CHECKPOINT, blockNumber: 2 },
    ...(access === undefined ? {} : { AccessRegistry: access }),
  },
})

describe('reconcileCustodians', () => {
  const chain = { version: 2, set: custodySet([...ACCOUNTS], [key(1), key(2), key(3)], 2) }
  const where = 'L in the AccessRegistry A on ethereum'
  const custodianError = (pattern: RegExp) => (e: unknown) =>
    e instanceof VaultError && e.code === 'TML_VAULT_CUSTODIANS' && pattern.test(e.shortMessage)

  it('default: without flags, the chain declaration: custodians named by account, in share order', () => {
    assert.deepEqual(
      reconcileCustodians({ chain, flags: undefined, flagThreshold: undefined, where }),
      {
        custodians: ACCOUNTS.map((name, i) => ({ name, publicKey: key(i + 1) })),
        threshold: 2,
      },
    )
  })

  it('behavior: flags naming the same keys in another order are accepted; the chain order is used', () => {
    const flags = parseCustodians([`c=${key(3)}`, `a=${key(1)}`, `b=${key(2)}`])
    const set = reconcileCustodians({ chain, flags, flagThreshold: 2, where })
    assert.deepEqual(
      set?.custodians.map((c) => c.publicKey),
      [key(1), key(2), key(3)],
    )
  })

  it('behavior: no declaration and no flags: no vault', () => {
    assert.equal(
      reconcileCustodians({ chain: undefined, flags: undefined, flagThreshold: undefined, where }),
      undefined,
    )
  })

  it('errors: a missing key, an extra key and another threshold are each named', () => {
    const flags = parseCustodians([`a=${key(1)}`, `z=${key(9)}`], 1)
    assert.throws(
      () => reconcileCustodians({ chain, flags, flagThreshold: 1, where }),
      custodianError(
        new RegExp(
          `declaration 2 of log ${where}: --custodian z=${key(9)} is not declared on chain; the chain declares ${ACCOUNTS[1]} \\(key ${key(2)}\\), which no --custodian names; the chain declares ${ACCOUNTS[2]}.+; --custodian-threshold 1, but the chain declares 2$`,
        ),
      ),
    )
  })

  it('errors: flags while the log declares none on chain', () => {
    assert.throws(
      () =>
        reconcileCustodians({
          chain: undefined,
          flags: parseCustodians([`a=${key(1)}`]),
          flagThreshold: undefined,
          where,
        }),
      custodianError(/declares no custodians on chain: the log's operator must declare them/),
    )
  })
})

describe('deployment files and the AccessRegistry', () => {
  it('default: the reader gives the AccessRegistry and its block when the file names one', () => {
    const dir = deploymentsWith({
      ethereum: deployment(31337, { address: ACCESS, blockNumber: 3 }),
    })
    const d = readCheckpointDeployment(join(dir, 'ethereum.json'))
    assert.equal(d.access, ACCESS)
    assert.equal(d.accessBlock, 3n)
    assert.deepEqual(readAccessDeployment(dir, 31337), {
      access: ACCESS,
      fromBlock: 3n,
      file: join(dir, 'ethereum.json'),
    })
  })

  it('behavior: a file written before the AccessRegistry existed is still read; no access for its chain', () => {
    const dir = deploymentsWith({ ethereum: deployment(31337) })
    assert.equal(readCheckpointDeployment(join(dir, 'ethereum.json')).access, undefined)
    assert.equal(readAccessDeployment(dir, 31337), undefined)
    assert.equal(readAccessDeployment(dir, 1), undefined)
  })

  it('errors: an AccessRegistry entry that is not an address is refused, naming the field', () => {
    const dir = deploymentsWith({ ethereum: deployment(31337, { address: '0x1234' }) })
    assert.throws(
      () => readCheckpointDeployment(join(dir, 'ethereum.json')),
      /ethereum\.json: contracts\.AccessRegistry\.address is not an address/,
    )
  })
})

describe('accessSource', () => {
  const chains = [
    { name: 'ethereum', chainId: 31337, rpcUrl: 'http://127.0.0.1:1' },
    { name: 'polygon', chainId: 31338, rpcUrl: 'http://127.0.0.1:2' },
  ]
  const configError = (pattern: RegExp) => (e: unknown) =>
    e instanceof VaultError && e.code === 'TML_VAULT_CONFIG' && pattern.test(e.shortMessage)

  it('default: the first --chain whose deployment file names an AccessRegistry, from its block', () => {
    const dir = deploymentsWith({
      ethereum: deployment(31337),
      polygon: deployment(31338, { address: ACCESS, blockNumber: 7 }),
    })
    const source = accessSource({ chains, deploymentsDir: dir, flag: undefined })
    assert.deepEqual(
      [source?.network, source?.chainId, source?.accessRegistry, source?.fromBlock],
      ['polygon', 31338, ACCESS, 7n],
    )
  })

  it('behavior: --access-registry [NETWORK=]ADDR wins; a registry the file does not name is read from block 0', () => {
    const dir = deploymentsWith({
      ethereum: deployment(31337, { address: ACCESS, blockNumber: 7 }),
    })
    const other = '0x0000000000000000000000000000000000000abc'
    assert.equal(accessSource({ chains, deploymentsDir: dir, flag: ACCESS })?.fromBlock, 7n)
    const named = accessSource({ chains, deploymentsDir: dir, flag: `polygon=${other}` })
    assert.deepEqual(
      [named?.network, named?.accessRegistry, named?.fromBlock],
      ['polygon', other, 0n],
    )
    assert.equal(accessSource({ chains: [], deploymentsDir: dir, flag: undefined }), undefined)
  })

  it('errors: a flag without a chain, for an unknown network, or not an address', () => {
    const dir = deploymentsWith({})
    assert.throws(
      () => accessSource({ chains: [], deploymentsDir: dir, flag: ACCESS }),
      configError(/needs a --chain/),
    )
    assert.throws(
      () => accessSource({ chains, deploymentsDir: dir, flag: `sepolia=${ACCESS}` }),
      configError(/sepolia is not a --chain network/),
    )
    assert.throws(
      () => accessSource({ chains, deploymentsDir: dir, flag: 'ethereum=0x12' }),
      configError(/not an address/),
    )
  })
})
