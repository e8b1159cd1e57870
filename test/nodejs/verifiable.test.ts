// The registries as `npm run deploy` leaves them can be verified on an explorer, checked as far as
// local chains allow: the local "Polygon" chain (31338; hardhat-verify refuses 31337 as a
// development chain) gets the registries from scripts/deploy.ts (Hardhat Ignition), then
//   - every deployed contract has its build info in Ignition's journal, and the runtime code on
//     chain is the compiled code byte for byte, metadata hash included (immutables aside): what
//     Etherscan's and Sourcify's bytecode match needs;
//   - the verification information `hardhat ignition verify` reads from the journal names each
//     contract with its address, constructor arguments and creation transaction;
//   - `hardhat ignition verify <id>` sends every contract of a journal to Sourcify, and
//   - `hardhat verify sourcify` sends each contract to a Sourcify stand-in on 127.0.0.1 with the
//     repository's sources and the build's compiler settings, and refuses a contract whose code
//     is not the one named before sending anything.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { getVerificationInformation, type VerifyInfo } from '@nomicfoundation/ignition-core'
import { expect } from 'chai'
import { createPublicClient, getAddress, type Hex, http } from 'viem'
import {
  freePort,
  ROOT,
  type Running,
  runNode,
  startNode,
  stop,
  waitForLine,
} from '../../web/e2e/support/processes.ts'
import { type SourcifyStandIn, startSourcifyStandIn } from '../helpers/sourcifyStandIn.ts'

const hardhatCli = join(ROOT, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
const NAMES = ['LanternRegistry', 'CheckpointRegistry', 'AccessRegistry'] as const
type Name = (typeof NAMES)[number]

type Record = {
  admin: string
  adminDelay: number
  contracts: { [N in Name]: { address: Hex; transactionHash: Hex } }
}

type JournalArtifact = {
  sourceName: string
  inputSourceName: string
  deployedBytecode: Hex
  immutableReferences: { [id: string]: { start: number; length: number }[] }
  buildInfoId: string
}

type BuildInfo = {
  solcLongVersion: string
  input: { sources: { [name: string]: { content: string } }; settings: { [key: string]: unknown } }
}

/** `code` with the immutables' bytes zeroed, as the compiler leaves them in deployedBytecode. */
function maskImmutables(code: Hex, refs: JournalArtifact['immutableReferences']): string {
  const bytes = Buffer.from(code.slice(2), 'hex')
  for (const ranges of Object.values(refs))
    for (const { start, length } of ranges) bytes.fill(0, start, start + length)
  return bytes.toString('hex')
}

describe('registries verifiable on explorers', { timeout: 420_000 }, () => {
  let chains: Running | undefined
  let sourcify: SourcifyStandIn
  let rpcUrl: string
  let env: NodeJS.ProcessEnv
  let record: Record
  const outDir = mkdtempSync(join(tmpdir(), 'tml-verifiable-'))
  const journal = join(outDir, 'ignition', 'chain-31338')
  const artifact = (name: Name): JournalArtifact =>
    JSON.parse(readFileSync(join(journal, 'artifacts', `Registries#${name}.json`), 'utf8'))
  const buildInfo = (id: string): BuildInfo =>
    JSON.parse(readFileSync(join(journal, 'build-info', `${id}.json`), 'utf8'))

  before(async () => {
    const ports = { ethereum: await freePort(), polygon: await freePort() }
    rpcUrl = `http://127.0.0.1:${ports.polygon}`
    chains = startNode([
      join(ROOT, 'scripts', 'chains.ts'),
      '--ethereum-port',
      String(ports.ethereum),
      '--polygon-port',
      String(ports.polygon),
    ])
    await waitForLine(chains, /^chains: ready /, 90_000)
    sourcify = await startSourcifyStandIn()
    env = {
      DEPLOYMENTS_DIR: outDir,
      POLYGON_LOCAL_RPC_URL: rpcUrl,
      SOURCIFY_API_URL: sourcify.url,
    }
    const deployed = await runNode(
      [hardhatCli, 'run', '--network', 'polygonLocal', join(ROOT, 'scripts', 'deploy.ts')],
      env,
    )
    expect(deployed.code, deployed.output).to.equal(0)
    record = JSON.parse(readFileSync(join(outDir, 'polygonLocal.json'), 'utf8'))
  })

  after(async () => {
    await stop(chains)
    await sourcify?.close()
    rmSync(outDir, { recursive: true, force: true })
  })

  it('behavior: every deployed contract has its build info in the journal, and the code on chain is the compiled code (immutables aside)', async () => {
    const client = createPublicClient({ transport: http(rpcUrl) })
    for (const name of NAMES) {
      const compiled = artifact(name)
      const info = buildInfo(compiled.buildInfoId)
      expect(info.input.sources, name).to.have.property(compiled.inputSourceName)
      const onChain = await client.getCode({ address: record.contracts[name].address })
      expect(onChain, name).to.match(/^0x[0-9a-f]+$/)
      // Whole runtime code, the CBOR metadata (its hash of the sources and settings) included.
      expect(maskImmutables(onChain as Hex, compiled.immutableReferences), name).to.equal(
        compiled.deployedBytecode.slice(2),
      )
      // The journal's build info is the build of the repository's sources as they are.
      expect(info.input.sources[compiled.inputSourceName]?.content, name).to.equal(
        readFileSync(join(ROOT, compiled.sourceName), 'utf8'),
      )
    }
  })

  it('behavior: the journal gives `hardhat ignition verify` each registry with its address, constructor arguments and creation transaction', async () => {
    const infos: VerifyInfo[] = []
    for await (const info of getVerificationInformation(journal)) {
      expect(info, 'every artifact resolved').to.not.be.a('string')
      infos.push(info as VerifyInfo)
    }
    const byName = (name: Name) => infos.find((i) => i.contract.endsWith(`:${name}`))
    const lantern = byName('LanternRegistry')
    const registry = byName('CheckpointRegistry')
    const access = byName('AccessRegistry')
    expect(infos).to.have.length(3)
    expect(lantern?.contract).to.equal('contracts/LanternRegistry.sol:LanternRegistry')
    expect(getAddress(lantern?.address ?? '0x')).to.equal(record.contracts.LanternRegistry.address)
    expect(lantern?.constructorArgs[0]).to.equal(record.adminDelay)
    expect(getAddress(String(lantern?.constructorArgs[1]))).to.equal(record.admin)
    expect(lantern?.creationTxHash).to.equal(record.contracts.LanternRegistry.transactionHash)
    expect(registry?.contract).to.equal('contracts/CheckpointRegistry.sol:CheckpointRegistry')
    expect(getAddress(registry?.address ?? '0x')).to.equal(
      record.contracts.CheckpointRegistry.address,
    )
    expect(getAddress(String(registry?.constructorArgs[0]))).to.equal(
      record.contracts.LanternRegistry.address,
    )
    expect(registry?.creationTxHash).to.equal(record.contracts.CheckpointRegistry.transactionHash)
    expect(access?.contract).to.equal('contracts/AccessRegistry.sol:AccessRegistry')
    expect(getAddress(access?.address ?? '0x')).to.equal(record.contracts.AccessRegistry.address)
    expect(getAddress(String(access?.constructorArgs[0]))).to.equal(
      record.contracts.LanternRegistry.address,
    )
    expect(access?.creationTxHash).to.equal(record.contracts.AccessRegistry.transactionHash)
  })

  it('behavior: `hardhat verify sourcify` submits each registry with the repository sources and the build settings', async () => {
    const args: { [N in Name]: string[] } = {
      LanternRegistry: [String(record.adminDelay), record.admin],
      CheckpointRegistry: [record.contracts.LanternRegistry.address],
      AccessRegistry: [record.contracts.LanternRegistry.address],
    }
    for (const name of NAMES) {
      const before = sourcify.submissions.length
      const { address, transactionHash } = record.contracts[name]
      const verified = await runNode(
        [
          hardhatCli,
          'verify',
          'sourcify',
          '--network',
          'polygonLocal',
          '--creation-tx-hash',
          transactionHash,
          address,
          ...args[name],
        ],
        env,
      )
      expect(verified.code, verified.output).to.equal(0)
      expect(sourcify.submissions).to.have.length(before + 1)
      const submission = sourcify.submissions[before]
      const compiled = artifact(name)
      const info = buildInfo(compiled.buildInfoId)
      expect(submission?.chainId).to.equal(31338)
      expect(getAddress(submission?.address ?? '0x')).to.equal(address)
      expect(submission?.body.contractIdentifier).to.equal(`${compiled.inputSourceName}:${name}`)
      expect(submission?.body.compilerVersion).to.equal(`v${info.solcLongVersion}`)
      expect(submission?.body.creationTransactionHash).to.equal(transactionHash)
      // The settings that shape the bytecode are the deployed build's.
      const settings = submission?.body.stdJsonInput.settings ?? {}
      for (const key of ['evmVersion', 'optimizer', 'viaIR'])
        expect(settings[key], key).to.deep.equal(info.input.settings[key])
      // Remappings shape nothing a contract does not import: a contract without OpenZeppelin
      // imports (AccessRegistry) is submitted with none; whatever is sent is the build's.
      expect(info.input.settings.remappings, 'remappings').to.include.members(
        (settings.remappings as string[] | undefined) ?? [],
      )
      expect(submission?.body.stdJsonInput.sources[compiled.inputSourceName]?.content).to.equal(
        readFileSync(join(ROOT, compiled.sourceName), 'utf8'),
      )
    }
  })

  it('behavior: `hardhat ignition verify <id>` submits every contract of the journal `npm run deploy` wrote', async () => {
    // `ignition verify` reads ignition/deployments/<id>, where public networks' journals live:
    // the local journal is copied there under an id of this run only, removed afterwards.
    const deploymentId = `verifiable-test-${process.pid}`
    const dir = join(ROOT, 'ignition', 'deployments', deploymentId)
    try {
      cpSync(journal, dir, { recursive: true })
      const before = sourcify.submissions.length
      const verified = await runNode(
        [hardhatCli, 'ignition', 'verify', deploymentId, '--network', 'polygonLocal'],
        // Etherscan and Blockscout do not serve chain 31338 and say so; Sourcify is the stand-in.
        { ...env, ETHERSCAN_API_KEY: 'unused' },
      )
      expect(
        verified.output.match(/verified successfully on Sourcify/g),
        verified.output,
      ).to.have.length(NAMES.length)
      const sent = sourcify.submissions.slice(before)
      expect(sent.map((x) => getAddress(x.address))).to.have.members(
        NAMES.map((name) => record.contracts[name].address),
      )
      expect(sent.map((x) => x.body.contractIdentifier)).to.have.members(
        NAMES.map((name) => `${artifact(name).inputSourceName}:${name}`),
      )
      expect(sent.map((x) => x.body.creationTransactionHash)).to.have.members(
        NAMES.map((name) => record.contracts[name].transactionHash),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('errors: a contract whose code is not the one named is refused before anything is sent', async () => {
    const before = sourcify.submissions.length
    const refused = await runNode(
      [
        hardhatCli,
        'verify',
        'sourcify',
        '--network',
        'polygonLocal',
        '--contract',
        'contracts/LanternRegistry.sol:LanternRegistry',
        record.contracts.CheckpointRegistry.address,
        String(record.adminDelay),
        record.admin,
      ],
      env,
    )
    expect(refused.code, refused.output).to.not.equal(0)
    expect(refused.output).to.match(/bytecode does not match the contract/)
    expect(sourcify.submissions).to.have.length(before)
  })
})
