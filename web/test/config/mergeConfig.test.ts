import { describe, expect, test } from 'vitest'
import { buildTimeConfig } from '../../src/config/buildTimeConfig.ts'
import { mergeConfig } from '../../src/config/mergeConfig.ts'

const deployment = {
  network: 'ethereumLocal',
  chainId: 31337,
  contracts: {
    LanternRegistry: { address: '0x5fbdb2315678afecb367f032d93f642f64180aa3', blockNumber: 1 },
    CheckpointRegistry: { address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', blockNumber: 2 },
  },
}

describe('buildTimeConfig', () => {
  test('default: one chain per deployment file, with the known chain defaults', () => {
    const { config, issues } = buildTimeConfig(
      {},
      { '../../../deployments/ethereumLocal.json': deployment },
    )
    expect(issues).toEqual([])
    expect(config).toEqual({
      chains: [
        {
          chainId: 31337,
          name: 'Ethereum (local)',
          rpcUrl: 'http://127.0.0.1:8545',
          explorer: {},
          nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
          multicall3: undefined,
          lanternRegistry: {
            address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
            blockNumber: 1,
          },
          checkpointRegistry: {
            address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
            blockNumber: 2,
          },
        },
      ],
      gatewayUrl: undefined,
      esploraUrl: undefined,
      mockAccounts: [],
      mockRejectSignatures: false,
      devApiKey: undefined,
    })
  })

  test('args: VITE_RPC_URL_<chainId> and VITE_GATEWAY_URL override; bad values are reported', () => {
    const { config, issues } = buildTimeConfig(
      {
        VITE_RPC_URL_31337: 'https://rpc.example/eth',
        VITE_RPC_URL_1: 'ftp://nope',
        VITE_GATEWAY_URL: 'https://gw.example',
      },
      { 'deployments/ethereumLocal.json': deployment },
    )
    expect(config.chains[0]?.rpcUrl).toBe('https://rpc.example/eth')
    expect(config.gatewayUrl).toBe('https://gw.example')
    expect(issues).toEqual(['VITE_RPC_URL_1 must be an http(s) URL'])
  })

  test('args: the Esplora URL from VITE_ESPLORA_URL, overlaid by tml.config.json; a bad one is reported', () => {
    const { config } = buildTimeConfig(
      { VITE_ESPLORA_URL: 'https://blockstream.info/api' },
      { 'deployments/ethereumLocal.json': deployment },
    )
    expect(config.esploraUrl).toBe('https://blockstream.info/api')
    const merged = mergeConfig(config, { esploraUrl: 'http://127.0.0.1:8788/esplora' })
    expect(merged.config.esploraUrl).toBe('http://127.0.0.1:8788/esplora')
    const bad = mergeConfig(config, { esploraUrl: 'javascript:alert(1)' })
    expect(bad.config.esploraUrl).toBe('https://blockstream.info/api')
    expect(bad.issues).toEqual(['tml.config.json: esploraUrl must be an http(s) URL'])
  })
})

describe('chain metadata', () => {
  test('behavior: names, currencies, explorers and Multicall3 come from viem/chains; local chains get their own', () => {
    const { config } = mergeConfig(buildTimeConfig({}, {}).config, {
      chains: [1, 137, 80002, 8453, 31337, 31338, 424242].map((chainId) => ({ chainId })),
    })
    expect(
      config.chains.map((c) => [c.chainId, c.name, c.nativeCurrency.symbol, c.multicall3]),
    ).toEqual([
      [1, 'Ethereum', 'ETH', '0xca11bde05977b3631167028862be2a173976ca11'],
      [137, 'Polygon', 'POL', '0xca11bde05977b3631167028862be2a173976ca11'],
      [80002, 'Polygon Amoy', 'POL', '0xca11bde05977b3631167028862be2a173976ca11'],
      [8453, 'Base', 'ETH', '0xca11bde05977b3631167028862be2a173976ca11'],
      [31337, 'Ethereum (local)', 'ETH', undefined],
      [31338, 'Polygon (local)', 'POL', undefined],
      [424242, 'Chain 424242', 'ETH', undefined],
    ])
    expect(config.chains[1]?.explorer.address).toBe('https://polygonscan.com/address/{address}')
  })
})

describe('mergeConfig', () => {
  const base = buildTimeConfig({}, { 'deployments/ethereumLocal.json': deployment }).config

  test('behavior: merges chains field by field, adds new ones, sets test accounts', () => {
    const { config, issues } = mergeConfig(base, {
      chains: [
        { chainId: 31337, rpcUrl: 'http://127.0.0.1:9545' },
        { chainId: 137, rpcUrl: 'https://polygon.example', contracts: deployment.contracts },
      ],
      gatewayUrl: 'http://127.0.0.1:8080',
      testing: {
        mockAccounts: ['0x70997970c51812dc3a010c7d01b50e0d17dc79c8'],
        mockRejectSignatures: true,
      },
    })
    expect(issues).toEqual([])
    expect(
      config.chains.map((c) => [c.chainId, c.name, c.rpcUrl, c.checkpointRegistry?.blockNumber]),
    ).toEqual([
      [31337, 'Ethereum (local)', 'http://127.0.0.1:9545', 2],
      [137, 'Polygon', 'https://polygon.example', 2],
    ])
    expect(config.chains[1]?.explorer.tx).toBe('https://polygonscan.com/tx/{hash}')
    expect(config.gatewayUrl).toBe('http://127.0.0.1:8080')
    expect(config.mockAccounts).toEqual(['0x70997970C51812dc3A010C7d01b50e0d17dc79C8'])
    expect(config.mockRejectSignatures).toBe(true)
  })

  test('behavior: the local stack’s development API key is taken with a loopback gateway only', () => {
    const local = mergeConfig(base, {
      gatewayUrl: 'http://127.0.0.1:8787',
      testing: { devApiKey: 'dev-0123456789abcdef' },
    })
    expect(local.issues).toEqual([])
    expect(local.config.devApiKey).toBe('dev-0123456789abcdef')
    const remote = mergeConfig(base, {
      gatewayUrl: 'https://gw.example',
      testing: { devApiKey: 'dev-0123456789abcdef' },
    })
    expect(remote.config.devApiKey).toBeUndefined()
    expect(remote.issues).toEqual([
      'tml.config.json: testing.devApiKey is ignored: it is for a gateway on this machine (gatewayUrl on 127.0.0.1 or localhost)',
    ])
  })

  describe('errors', () => {
    test('invalid parts are skipped and each is reported', () => {
      const { config, issues } = mergeConfig(base, {
        chains: [
          { chainId: -1 },
          {
            chainId: 31337,
            rpcUrl: 'javascript:alert(1)',
            explorer: { tx: 'nope' },
            contracts: { LanternRegistry: { address: '0x12' } },
          },
        ],
        gatewayUrl: 42,
        testing: { mockAccounts: ['me'] },
      })
      expect(issues).toEqual([
        'tml.config.json chains[0]: chainId must be a positive integer',
        'tml.config.json chains[1]: rpcUrl must be an http(s) URL',
        'tml.config.json chains[1]: explorer.tx must be an http(s) URL pattern',
        'tml.config.json chains[1]: contracts.LanternRegistry needs an address and a blockNumber',
        'tml.config.json: gatewayUrl must be an http(s) URL',
        'tml.config.json: testing.mockAccounts must be a list of addresses',
      ])
      expect(config.chains[0]?.rpcUrl).toBe('http://127.0.0.1:8545')
      expect(config.chains[0]?.lanternRegistry?.address).toBe(
        '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      )
      expect(config.mockAccounts).toEqual([])
    })

    test('a file that is not an object is ignored', () => {
      expect(mergeConfig(base, [1, 2])).toEqual({
        config: base,
        issues: ['tml.config.json: not a JSON object, ignored'],
      })
    })
  })
})
