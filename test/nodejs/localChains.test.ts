// The local stack's chains and deploy script, run as a user runs them: scripts/chains.ts starts two
// Hardhat nodes on 127.0.0.1 (on free ports here, so that a running demo on 8545/8546 is left
// alone), scripts/deploy.ts deploys to each and writes <network>.json to a temporary directory,
// which is read back and checked against the chains.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import hre from 'hardhat'
import { createPublicClient, getAddress, http } from 'viem'

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

describe('local chains and deploy script', { timeout: 180_000 }, () => {
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
      const { LanternRegistry: lantern, CheckpointRegistry: registry } = deployment.contracts
      for (const contract of [lantern, registry]) {
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
    })
  }

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
