// The local stack's chains and deploy script, run as a user runs them: scripts/chains.ts starts two
// Hardhat nodes on 127.0.0.1 (on free ports here, so that a running demo on 8545/8546 is left
// alone), scripts/deploy.ts deploys to each with Hardhat Ignition and writes <network>.json to a
// temporary directory, which is read back and checked against the chains; re-runs deploy
// nothing, and a restarted chain gets a fresh deployment.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import hre from 'hardhat'
import { createPublicClient, getAddress, type Hex, http } from 'viem'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const hardhatCli = join(root, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      )
    })
  })
}

// Runs the project's Node on `args` as a user's shell would: without the test runner's HH_TEST
// (which points hardhat-keystore at its development keystore) and without any AMOY_* variable.
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AMOY_') && key !== 'HH_TEST'),
  )
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...base, ...env } })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('close', (code) => resolve({ code, output }))
  })
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${seen}`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      const line = seen.split('\n').find((l) => pattern.test(l))
      if (line !== undefined) {
        clearTimeout(timer)
        resolve(line)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`chains exited (${code}) before it was ready:\n${seen}`))
    })
  })
}

describe('local chains and deploy script', { timeout: 420_000 }, () => {
  let chains: ChildProcess | undefined
  let ports: { ethereum: number; polygon: number }
  const outDir = mkdtempSync(join(tmpdir(), 'tml-deployments-'))

  before(async () => {
    ports = { ethereum: await freePort(), polygon: await freePort() }
    chains = spawn(
      process.execPath,
      [
        join(root, 'scripts', 'chains.ts'),
        '--ethereum-port',
        String(ports.ethereum),
        '--polygon-port',
        String(ports.polygon),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    await waitForLine(chains, /^chains: ready /, 90_000)
  })

  after(async () => {
    const child = chains
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(outDir, { recursive: true, force: true })
  })

  for (const [network, chain, chainId] of [
    ['ethereumLocal', 'ethereum', 31337],
    ['polygonLocal', 'polygon', 31338],
  ] as const) {
    it(`behavior: deploys to ${network} (chain ${chainId}), writes ${network}.json, and the file matches the chain`, async () => {
      const url = `http://127.0.0.1:${ports[chain]}`
      const { code, output } = await run(
        [hardhatCli, 'run', '--network', network, join(root, 'scripts', 'deploy.ts')],
        {
          HARDHAT_DISABLE_TELEMETRY: 'true',
          DEPLOYMENTS_DIR: outDir,
          ETHEREUM_LOCAL_RPC_URL: `http://127.0.0.1:${ports.ethereum}`,
          POLYGON_LOCAL_RPC_URL: `http://127.0.0.1:${ports.polygon}`,
        },
      )
      expect(code, output).to.equal(0)

      const deployment = JSON.parse(readFileSync(join(outDir, `${network}.json`), 'utf8'))
      expect(deployment.network).to.equal(network)
      expect(deployment.chainId).to.equal(chainId)
      expect(deployment.bindTransactionHash).to.match(/^0x[0-9a-f]{64}$/)

      const client = createPublicClient({ transport: http(url) })
      expect(await client.getChainId()).to.equal(chainId)
      const {
        LanternRegistry: lantern,
        CheckpointRegistry: registry,
        AccessRegistry: access,
      } = deployment.contracts
      for (const contract of [lantern, registry, access]) {
        const receipt = await client.getTransactionReceipt({ hash: contract.transactionHash })
        expect(receipt.status).to.equal('success')
        expect(Number(receipt.blockNumber)).to.equal(contract.blockNumber)
        expect(getAddress(receipt.contractAddress ?? '0x')).to.equal(contract.address)
        expect(await client.getCode({ address: contract.address })).to.match(/^0x[0-9a-f]{100,}$/)
      }
      const lanternAbi = (await hre.artifacts.readArtifact('LanternRegistry')).abi
      const registryAbi = (await hre.artifacts.readArtifact('CheckpointRegistry')).abi
      expect(
        await client.readContract({
          address: lantern.address,
          abi: lanternAbi,
          functionName: 'checkpointRegistry',
        }),
      ).to.equal(registry.address)
      expect(
        await client.readContract({
          address: registry.address,
          abi: registryAbi,
          functionName: 'lantern',
        }),
      ).to.equal(lantern.address)
      expect(
        await client.readContract({
          address: lantern.address,
          abi: lanternAbi,
          functionName: 'defaultAdmin',
        }),
      ).to.equal(deployment.admin)
      // The AccessRegistry asks this LanternRegistry who operates each log, and comes after the
      // other two: they keep the addresses a fresh chain always gave them.
      const accessAbi = (await hre.artifacts.readArtifact('AccessRegistry')).abi
      expect(
        await client.readContract({
          address: access.address,
          abi: accessAbi,
          functionName: 'lanternRegistry',
        }),
      ).to.equal(lantern.address)
      expect(access.blockNumber).to.be.greaterThan(registry.blockNumber)
      const committed = JSON.parse(
        readFileSync(join(root, 'deployments', `${network}.json`), 'utf8'),
      ) as { contracts: Record<string, { address: string }> }
      for (const name of ['LanternRegistry', 'CheckpointRegistry', 'AccessRegistry'])
        expect(deployment.contracts[name].address, name).to.equal(
          committed.contracts[name]?.address,
        )
    })
  }

  // Runs scripts/deploy.ts against chains on `ports`, writing into `dir`.
  const deploy = (network: string, dir: string, on = ports, extra: NodeJS.ProcessEnv = {}) =>
    run([hardhatCli, 'run', '--network', network, join(root, 'scripts', 'deploy.ts')], {
      HARDHAT_DISABLE_TELEMETRY: 'true',
      DEPLOYMENTS_DIR: dir,
      ETHEREUM_LOCAL_RPC_URL: `http://127.0.0.1:${on.ethereum}`,
      POLYGON_LOCAL_RPC_URL: `http://127.0.0.1:${on.polygon}`,
      ...extra,
    })

  it('behavior: a second run with the same module and parameters sends nothing and writes the same file', async () => {
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${ports.ethereum}`) })
    const file = join(outDir, 'ethereumLocal.json')
    const first = readFileSync(file, 'utf8')
    const blockBefore = await client.getBlockNumber()
    const { code, output } = await deploy('ethereumLocal', outDir)
    expect(code, output).to.equal(0)
    expect(await client.getBlockNumber()).to.equal(blockBefore)
    expect(readFileSync(file, 'utf8')).to.equal(first)
    expect(JSON.parse(first).ignition).to.deep.equal({
      module: 'TmlRegistries',
      deploymentId: 'chain-31337',
    })
  })

  it('errors: a run with changed parameters is refused by Ignition, naming what changed, and sends nothing', async () => {
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${ports.ethereum}`) })
    const file = join(outDir, 'ethereumLocal.json')
    const first = readFileSync(file, 'utf8')
    const blockBefore = await client.getBlockNumber()
    const { code, output } = await deploy('ethereumLocal', outDir, ports, { TML_ADMIN_DELAY: '5' })
    expect(code).to.not.equal(0)
    expect(output).to.match(/Registries#LanternRegistry: Argument at index 0 has been changed/)
    expect(await client.getBlockNumber()).to.equal(blockBefore)
    expect(readFileSync(file, 'utf8')).to.equal(first)
  })

  describe('on a restarted chain', () => {
    let restarted: ChildProcess | undefined
    let newPorts: { ethereum: number; polygon: number }

    before(async () => {
      // A second pair of nodes with the same chain ids: to a journal, a chain that restarted empty.
      newPorts = { ethereum: await freePort(), polygon: await freePort() }
      restarted = spawn(
        process.execPath,
        [
          join(root, 'scripts', 'chains.ts'),
          '--ethereum-port',
          String(newPorts.ethereum),
          '--polygon-port',
          String(newPorts.polygon),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      await waitForLine(restarted, /^chains: ready /, 90_000)
    })

    after(async () => {
      const child = restarted
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    })

    it('behavior: the old journal is dropped and the registries are deployed again', async () => {
      const { code, output } = await deploy('ethereumLocal', outDir, newPorts)
      expect(code, output).to.equal(0)
      expect(output).to.match(/chain 31337 was restarted/)
      const deployment = JSON.parse(readFileSync(join(outDir, 'ethereumLocal.json'), 'utf8'))
      const client = createPublicClient({
        transport: http(`http://127.0.0.1:${newPorts.ethereum}`),
      })
      for (const contract of Object.values(deployment.contracts) as { address: Hex }[])
        expect(await client.getCode({ address: contract.address })).to.match(/^0x[0-9a-f]{100,}$/)
    })

    it('behavior: an admin other than the deployer gets the unbound registries and the binding to send', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tml-deployments-admin-'))
      try {
        const admin = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
        const { code, output } = await deploy('polygonLocal', dir, newPorts, { TML_ADMIN: admin })
        expect(code, output).to.equal(0)
        expect(output).to.match(
          /the admin 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 must now call setCheckpointRegistry/,
        )
        const deployment = JSON.parse(readFileSync(join(dir, 'polygonLocal.json'), 'utf8'))
        expect(deployment.admin).to.equal(admin)
        expect(deployment.bindTransactionHash).to.equal(null)
        expect(deployment.ignition.module).to.equal('Registries')
        const client = createPublicClient({
          transport: http(`http://127.0.0.1:${newPorts.polygon}`),
        })
        const lanternAbi = (await hre.artifacts.readArtifact('LanternRegistry')).abi
        const lantern = deployment.contracts.LanternRegistry.address
        expect(
          await client.readContract({
            address: lantern,
            abi: lanternAbi,
            functionName: 'defaultAdmin',
          }),
        ).to.equal(admin)
        expect(
          await client.readContract({
            address: lantern,
            abi: lanternAbi,
            functionName: 'checkpointRegistry',
          }),
        ).to.equal('0x0000000000000000000000000000000000000000')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  it('errors: a public network without its RPC URL fails with an error that names the variable', async () => {
    const { code, output } = await run(
      [hardhatCli, 'run', '--network', 'amoy', join(root, 'scripts', 'deploy.ts')],
      {
        HARDHAT_DISABLE_TELEMETRY: 'true',
        DEPLOYMENTS_DIR: outDir,
      },
    )
    expect(code).to.not.equal(0)
    expect(output).to.match(/Configuration Variable "AMOY_RPC_URL" not found/)
  })
})
