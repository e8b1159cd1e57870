import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { anchoringHealth } from '../../src/anchoring/anchoringHealth.ts'
import { loadLaneConfig } from '../../src/anchoring/loadLaneConfig.ts'
import { tempDir } from '../helpers/memory.ts'

const RELAYER = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'

describe('anchoringHealth', () => {
  const chains = [
    { name: 'ethereum', anchoredSize: 10, oldestUnanchoredAgeMs: null },
    { name: 'polygon', anchoredSize: 4, oldestUnanchoredAgeMs: 90_000 },
    { name: 'sepolia', anchoredSize: 9, oldestUnanchoredAgeMs: 5_000 },
  ]
  const table = [
    {
      desc: 'all: one chain behind → unavailable',
      policy: { require: 'all' as const },
      want: false,
    },
    { desc: 'any: one chain up → available', policy: { require: 'any' as const }, want: true },
    { desc: 'k:2 of 3 up → available', policy: { require: 'k' as const, k: 2 }, want: true },
    { desc: 'k:3 of 3 → unavailable', policy: { require: 'k' as const, k: 3 }, want: false },
  ]
  for (const row of table) {
    test(`behavior: ${row.desc}`, () => {
      const h = anchoringHealth({ policy: row.policy, maxEpochIntervalMs: 60_000, chains })
      assert.equal(h.available, row.want)
      if (!row.want) assert.match(h.reason ?? '', /polygon \(MTL 4 waiting 90 s\)/)
    })
  }
  test('default: no chain configured is available', () => {
    assert.deepEqual(
      anchoringHealth({ policy: { require: 'all' }, maxEpochIntervalMs: 1, chains: [] }),
      { available: true },
    )
  })
})

describe('loadLaneConfig', () => {
  const dir = tempDir()
  writeFileSync(
    join(dir, 'ethereumLocal.json'),
    JSON.stringify({
      chainId: 31337,
      contracts: { CheckpointRegistry: { address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' } },
    }),
  )
  test('default: chains from deployment files, relayer, policy, timings', () => {
    const c = loadLaneConfig({
      chains: ['ethereumLocal=http://127.0.0.1:8545'],
      deploymentsDir: dir,
      relayerKey: RELAYER,
      policy: 'k:1',
      maxEpochIntervalS: '60',
      epochPeriodMs: '500',
      otsCalendars: ['http://127.0.0.1:1'],
    })
    assert.ok(c)
    assert.equal(c.chains[0]?.chainId, 31337)
    assert.equal(c.chains[0]?.registry, '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512')
    assert.deepEqual(c.policy, { require: 'k', k: 1 })
    assert.equal(c.maxEpochIntervalMs, 60_000)
    assert.equal(c.epochPeriodMs, 500)
    assert.equal(c.relayer.address, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC')
    assert.deepEqual(c.ots, { calendars: ['http://127.0.0.1:1'] })
  })
  test('behavior: event searches start at the registry deployment block when the file has it', () => {
    writeFileSync(
      join(dir, 'sepolia.json'),
      JSON.stringify({
        chainId: 11155111,
        contracts: {
          CheckpointRegistry: {
            address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
            blockNumber: 7_654_321,
          },
        },
      }),
    )
    const c = loadLaneConfig({
      chains: ['sepolia=https://rpc.example', 'ethereumLocal=http://127.0.0.1:8545'],
      deploymentsDir: dir,
      relayerKey: RELAYER,
    })
    assert.equal(c?.chains[0]?.deploymentBlock, 7_654_321n)
    assert.equal(c?.chains[1]?.deploymentBlock, undefined)
  })
  test('default: no chain, no lane', () => {
    assert.equal(loadLaneConfig({ chains: [], deploymentsDir: dir }), undefined)
  })
  describe('errors', () => {
    const table = [
      { desc: 'no relayer key', input: {}, wantErr: /relayer key/ },
      {
        desc: 'unknown network',
        input: { chains: ['nowhere=http://x'] },
        wantErr: /no deployment file/,
      },
      { desc: 'bad pair', input: { chains: ['ethereumLocal'] }, wantErr: /NETWORK=/ },
      {
        desc: 'bad policy',
        input: { relayerKey: RELAYER, policy: 'k:2' },
        wantErr: /anchor policy/,
      },
      {
        desc: 'bad interval',
        input: { relayerKey: RELAYER, maxEpochIntervalS: '-1' },
        wantErr: /integer/,
      },
    ]
    for (const row of table) {
      test(row.desc, () => {
        assert.throws(
          () =>
            loadLaneConfig({
              chains: ['ethereumLocal=http://127.0.0.1:8545'],
              deploymentsDir: dir,
              ...row.input,
            }),
          row.wantErr,
        )
      })
    }
  })
})

describe('AnchoringLane', () => {
  test('errors: the relayer cannot be the checkpoint signer', async () => {
    const { AnchoringLane } = await import('../../src/anchoring/AnchoringLane.ts')
    const { privateKeyToAccount } = await import('viem/accounts')
    const account = privateKeyToAccount(RELAYER)
    assert.throws(
      () =>
        new AnchoringLane({
          logId: `0x${'ab'.repeat(32)}`,
          logStore: {} as never,
          store: {} as never,
          signer: account,
          relayer: account,
          chains: [],
        }),
      /relayer must be another account/,
    )
  })
})

describe('loadLaneConfig: anchoring cadence per chain', () => {
  const dir = tempDir()
  const deploy = (network: string, chainId: number) =>
    writeFileSync(
      join(dir, `${network}.json`),
      JSON.stringify({
        chainId,
        contracts: {
          CheckpointRegistry: { address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' },
        },
      }),
    )
  deploy('mainnet', 1)
  deploy('polygon', 137)
  deploy('ethereumLocal', 31337)
  const load = (cadences: string[], maxEpochIntervalS = '7200') =>
    loadLaneConfig({
      chains: [
        'mainnet=https://rpc.example',
        'polygon=https://polygon.example',
        'ethereumLocal=http://127.0.0.1:8545',
      ],
      deploymentsDir: dir,
      relayerKey: RELAYER,
      maxEpochIntervalS,
      cadences,
    })?.chains.map((c) => [c.name, c.cadence])

  test('default: Ethereum hourly, Polygon every 30 s, a local chain every epoch', () => {
    assert.deepEqual(load([]), [
      ['mainnet', { intervalMs: 3_600_000 }],
      ['polygon', { intervalMs: 30_000 }],
      ['ethereumLocal', undefined],
    ])
  })

  test('default: never slower than half the maximum epoch interval', () => {
    assert.deepEqual(load([], '3600')?.[0], ['mainnet', { intervalMs: 1_800_000 }])
  })

  test('behavior: --anchor-every sets seconds, leaves, or every epoch', () => {
    assert.deepEqual(load(['mainnet=600:5000', 'polygon=every', 'ethereumLocal=2']), [
      ['mainnet', { intervalMs: 600_000, leaves: 5000 }],
      ['polygon', undefined],
      ['ethereumLocal', { intervalMs: 2_000 }],
    ])
  })

  test('error: a malformed pair, an unknown network, a cadence beyond half the interval', () => {
    assert.throws(() => load(['mainnet=1h']), /--anchor-every must be NETWORK=SECONDS/)
    assert.throws(() => load(['sepolia=60']), /names sepolia, which no --chain gives/)
    assert.throws(() => load(['mainnet=3601']), /more than half the maximum epoch interval/)
  })
})
