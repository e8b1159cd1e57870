// The operator's commands against two real local chains (Hardhat EDR) with the registries
// deployed: register → declare (the gateway's keys) → Lantern grant → renew → revoke, each checked
// by reading the contracts; and the refusals an operator meets, decoded from the custom errors.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { checkpointRegistryAbi, computeLogId, type Hex, lanternRegistryAbi } from '@tml/core'
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  keccak256,
  stringToHex,
} from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import type { CliIo } from '../../src/cli/io.ts'
import { main } from '../../src/cli/main.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { writeKeystore } from '../../src/keys/writeKeystore.ts'
import { DEV_KEYS, type LocalChain, startLocalChain } from '../e2e/localChains.ts'
import { startChildGateway } from '../helpers/child.ts'
import { SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const TML = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))
// Hardhat's public development accounts #4 (our operator) and #3 (the certifier): local only.
const OPERATOR_KEY: Hex = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a'
const CERTIFIER_KEY: Hex = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
const OPERATOR = privateKeyToAddress(OPERATOR_KEY)
const CERTIFIER = privateKeyToAddress(CERTIFIER_KEY)
const PASSWORD = 'operator password'
const POLICY_A = `0x${'0a'.repeat(32)}` as Hex
const POLICY_B = `0x${'0b'.repeat(32)}` as Hex

function capture(env: Record<string, string> = {}): CliIo & { stdout(): string; stderr(): string } {
  let out = ''
  let err = ''
  return {
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    env,
    stdout: () => out,
    stderr: () => err,
  }
}

describe('operator commands on the local chains', () => {
  let chains: LocalChain[] = []
  const dir = tempDir()
  const deployments = join(dir, 'deployments')
  const keysDir = join(dir, 'data', 'keys')
  const operatorKeystore = join(dir, 'operator.json')
  const certifierKeystore = join(dir, 'certifier.json')
  const relayerKeystore = join(dir, 'relayer.json')
  const passwordFile = join(dir, 'password')
  const licenseFile = join(dir, 'LICENSE.txt')
  const env = { TML_KEYSTORE_PASSWORD: PASSWORD }
  let chainArgs: string[] = []

  const run = async (argv: string[], io = capture(env)) => {
    const code = await main({ argv: [...argv, ...chainArgs, '--deployments', deployments], io })
    return { code, out: io.stdout(), err: io.stderr() }
  }
  const read = (chain: LocalChain, functionName: string, args: readonly unknown[]) =>
    createPublicClient({ transport: http(chain.nodeUrl) }).readContract({
      address: chain.lantern,
      abi: lanternRegistryAbi,
      functionName: functionName as 'operatorInfo',
      args: args as [`0x${string}`],
    }) as Promise<unknown>

  before(async () => {
    // The chains come with another operator's log declared (the anchoring tests' fixture): ours
    // is a fresh account, so each step starts from nothing on chain.
    const other = privateKeyToAccount(`0x${'42'.repeat(32)}`).address
    chains = await Promise.all(
      (['ethereum', 'polygon'] as const).map((name) =>
        startLocalChain({
          name,
          signer: other,
          receiptKey: `0x${'11'.repeat(32)}`,
          maxEpochIntervalS: 3600,
        }),
      ),
    )
    chainArgs = chains.flatMap((c) => ['--chain', `${c.name}=${c.rpcUrl}`])
    rmSync(deployments, { recursive: true, force: true })
    mkdirSync(deployments)
    for (const c of chains)
      writeFileSync(
        join(deployments, `${c.name}.json`),
        JSON.stringify({
          network: c.name,
          chainId: c.chainId,
          contracts: {
            LanternRegistry: { address: c.lantern },
            CheckpointRegistry: { address: c.registry },
          },
        }),
      )
    // The Lantern authority (the deployment admin) makes our certifier one.
    for (const c of chains) {
      const chain = defineChain({
        id: c.chainId,
        name: c.name,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [c.nodeUrl] } },
      })
      const admin = createWalletClient({
        chain,
        transport: http(c.nodeUrl),
        account: privateKeyToAccount(DEV_KEYS.admin),
      })
      const client = createPublicClient({ chain, transport: http(c.nodeUrl), pollingInterval: 50 })
      const role = await client.readContract({
        address: c.lantern,
        abi: lanternRegistryAbi,
        functionName: 'CERTIFIER_ROLE',
      })
      const hash = await admin.writeContract({
        address: c.lantern,
        abi: lanternRegistryAbi,
        functionName: 'grantRole',
        args: [role, CERTIFIER],
      })
      await client.waitForTransactionReceipt({ hash })
    }
    await writeKeystore({
      file: operatorKeystore,
      password: PASSWORD,
      privateKey: OPERATOR_KEY,
      light: true,
    })
    await writeKeystore({
      file: relayerKeystore,
      password: PASSWORD,
      privateKey: DEV_KEYS.relayer,
      light: true,
    })
    await writeKeystore({
      file: certifierKeystore,
      password: PASSWORD,
      privateKey: CERTIFIER_KEY,
      light: true,
    })
    writeFileSync(passwordFile, `${PASSWORD}\n`)
    writeFileSync(licenseFile, 'TML Anchor Operator License, test edition\n')
    // The gateway's development keys; the log id is the declared one, written by `tml log declare`.
    loadKeys({ dir: keysDir, create: true })
    rmSync(join(keysDir, 'log-id'))
  })
  after(async () => {
    await Promise.all(chains.map((c) => c.stop()))
  })

  test('edge: --dry-run prints the transaction, needs no password and sends nothing', async () => {
    const r = await run(
      [
        'operator',
        'register',
        '--metadata-uri',
        'https://op.test/tml.json',
        '--license-file',
        licenseFile,
        '--keystore',
        operatorKeystore,
        '--dry-run',
        '--json',
      ],
      capture({}),
    )
    assert.equal(r.code, 0, r.err)
    const json = JSON.parse(r.out) as {
      from: string
      chains: { status: string; data: string; to: string; function: string }[]
    }
    assert.equal(json.from, OPERATOR)
    assert.deepEqual(
      json.chains.map((c) => [c.status, c.function]),
      [
        ['dry-run', 'registerOperator'],
        ['dry-run', 'registerOperator'],
      ],
    )
    assert.match(json.chains[0]?.data ?? '', /^0x[0-9a-f]{8}/)
    for (const c of chains) {
      const info = (await read(c, 'operatorInfo', [OPERATOR])) as { registeredAt: bigint }
      assert.equal(info.registeredAt, 0n, 'a dry run registers nothing')
    }
  })

  test('adversarial: a wrong password is refused before anything is sent', async () => {
    const r = await run(
      [
        'operator',
        'register',
        '--metadata-uri',
        'https://op.test/tml.json',
        '--license-file',
        licenseFile,
        '--keystore',
        operatorKeystore,
      ],
      capture({ TML_KEYSTORE_PASSWORD: 'not it' }),
    )
    assert.equal(r.code, 1)
    assert.match(r.err, /tml operator register: wrong password for the keystore .*operator\.json/)
  })

  test('adversarial: no terminal and no password: a clear error (real process, stdin a pipe)', () => {
    const { TML_KEYSTORE_PASSWORD: _, ...rest } = process.env
    const r = spawnSync(
      process.execPath,
      [
        TML,
        'operator',
        'register',
        '--metadata-uri',
        'https://op.test/tml.json',
        '--license-file',
        licenseFile,
        '--keystore',
        operatorKeystore,
        // The nodes themselves: the proxies run in this process, which spawnSync blocks.
        ...chains.flatMap((c) => ['--chain', `${c.name}=${c.nodeUrl}`]),
        '--deployments',
        deployments,
      ],
      { input: '', env: rest, encoding: 'utf8' },
    )
    assert.equal(r.status, 1)
    assert.match(
      r.stderr,
      /no keystore password: give --password-file FILE or TML_KEYSTORE_PASSWORD/,
    )
  })

  test('default: register → declare → grant → renew → revoke, read back from both registries', async () => {
    const registered = await run(
      [
        'operator',
        'register',
        '--metadata-uri',
        'https://op.test/tml.json',
        '--license-file',
        licenseFile,
        '--keystore',
        operatorKeystore,
        '--password-file',
        passwordFile,
      ],
      capture({}),
    )
    assert.equal(registered.code, 0, registered.err)
    assert.match(registered.out, /ethereum: registerOperator: tx 0x[0-9a-f]{64}, block \d+/)
    assert.match(registered.out, /polygon: registerOperator: tx 0x[0-9a-f]{64}, block \d+/)
    const licenseHash = keccak256(stringToHex(readFileSync(licenseFile, 'utf8')))
    for (const c of chains) {
      const info = (await read(c, 'operatorInfo', [OPERATOR])) as {
        licenseHash: Hex
        metadataURI: string
        registeredAt: bigint
      }
      assert.equal(info.licenseHash, licenseHash)
      assert.equal(info.metadataURI, 'https://op.test/tml.json')
      assert.ok(info.registeredAt > 0n)
    }

    const again = await run([
      'operator',
      'register',
      '--metadata-uri',
      'https://op.test/x',
      '--license-file',
      licenseFile,
      '--keystore',
      operatorKeystore,
    ])
    assert.equal(again.code, 1)
    assert.match(
      again.err,
      /ethereum: operator 0x[0-9a-fA-F]{40} is already registered \(LanternOperatorAlreadyRegistered/,
    )

    const declared = await run([
      'log',
      'declare',
      '--name',
      'gw-ops',
      '--max-epoch-interval',
      '7200',
      '--keys',
      keysDir,
      '--keystore',
      operatorKeystore,
    ])
    assert.equal(declared.code, 0, declared.err)
    const keys = {
      checkpoint: readFileSync(join(keysDir, 'checkpoint.key'), 'utf8').trim() as Hex,
      receipt: readFileSync(join(keysDir, 'receipt.key'), 'utf8').trim(),
    }
    const signer = privateKeyToAddress(keys.checkpoint)
    const receiptKey = createReceiptSigner(Buffer.from(keys.receipt.slice(2), 'hex'))
      .keyCommitment as Hex
    const logId = computeLogId({
      operator: OPERATOR,
      name: 'gw-ops',
      signer,
      receiptKey,
      maxEpochInterval: 7200n,
    })
    assert.match(declared.out, new RegExp(`log ${logId}`))
    for (const c of chains) {
      const log = (await read(c, 'logInfo', [logId])) as {
        operator: string
        signer: string
        receiptKey: Hex
        maxEpochInterval: bigint
        name: string
      }
      assert.deepEqual(
        [log.operator, log.signer, log.receiptKey, log.maxEpochInterval, log.name],
        [OPERATOR, signer, receiptKey, 7200n, 'gw-ops'],
      )
    }
    assert.equal(
      readFileSync(join(keysDir, 'log-id'), 'utf8').trim(),
      logId,
      'the gateway now signs as the declared log',
    )

    const declaredAgain = await run([
      'log',
      'declare',
      '--name',
      'gw-ops',
      '--max-epoch-interval',
      '7200',
      '--keys',
      keysDir,
      '--keystore',
      operatorKeystore,
    ])
    assert.equal(declaredAgain.code, 1)
    assert.match(declaredAgain.err, new RegExp(`ethereum: log ${logId} is already declared here`))
    const sameNameOtherInterval = await run([
      'log',
      'declare',
      '--name',
      'gw-ops',
      '--max-epoch-interval',
      '60',
      '--keys',
      keysDir,
      '--keystore',
      operatorKeystore,
    ])
    assert.equal(sameNameOtherInterval.code, 1)
    assert.match(
      sameNameOtherInterval.err,
      new RegExp(`already declared a log with this name \\(log ${logId}\\)`),
    )

    // The gateway anchors the declared log with its relayer unlocked from a keystore.
    const token = readFileSync(join(keysDir, 'api-keys'), 'utf8').split('\n')[0]?.split(':')[1]
    const gw = await startChildGateway({
      dataDir: join(dir, 'data'),
      env: { TML_KEYSTORE_PASSWORD: '' },
      args: [
        ...chainArgs,
        '--deployments',
        deployments,
        '--relayer-keystore',
        relayerKeystore,
        '--password-file',
        passwordFile,
        '--max-epoch-interval',
        '7200',
        '--epoch-period',
        '200',
      ],
    })
    try {
      const answer = await fetch(new URL('/v1/decisions', gw.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(SMALLEST),
      })
      assert.equal(answer.status, 200, await answer.clone().text())
      // Under load the answer may come before the anchor (a deliberative hold that timed out):
      // the chains are polled for it.
      for (const c of chains) {
        const client = createPublicClient({ transport: http(c.nodeUrl) })
        const deadline = Date.now() + 90_000
        let epoch = 0n
        while (epoch < 1n && Date.now() < deadline) {
          ;[epoch] = await client.readContract({
            address: c.registry,
            abi: checkpointRegistryAbi,
            functionName: 'head',
            args: [logId],
          })
          if (epoch < 1n) await new Promise((r) => setTimeout(r, 200))
        }
        assert.ok(epoch >= 1n, `${c.name} holds a checkpoint sent by the keystore's relayer`)
      }
    } finally {
      const exited = new Promise((r) => gw.child.once('exit', r))
      gw.child.kill('SIGTERM')
      await exited
    }

    // Keys rotated on chain, the statements relayed by a keystore account (no raw key anywhere).
    const rotated = await run([
      'keys',
      'rotate',
      '--data',
      join(dir, 'data'),
      '--keys',
      keysDir,
      '--keystore',
      relayerKeystore,
      '--password-file',
      passwordFile,
    ])
    assert.equal(rotated.code, 0, rotated.out + rotated.err)
    for (const c of chains) {
      const count = await createPublicClient({ transport: http(c.nodeUrl) }).readContract({
        address: c.registry,
        abi: checkpointRegistryAbi,
        functionName: 'keyPeriodCount',
        args: [logId],
      })
      assert.equal(count, 2n, `${c.name} holds the rotation`)
    }

    const grantArgs = [
      'lantern',
      'grant',
      '--operator',
      OPERATOR,
      '--profile',
      'general',
      '--expires',
      '2099-12-31',
      '--evidence',
      'audit report 7',
      '--policy-hash',
      POLICY_B,
      '--policy-hash',
      POLICY_A,
    ]
    const notCertifier = await run([...grantArgs, '--keystore', operatorKeystore])
    assert.equal(notCertifier.code, 1)
    assert.match(
      notCertifier.err,
      /0x[0-9a-fA-F]{40} lacks the role .*\(AccessControlUnauthorizedAccount/,
    )

    const granted = await run([...grantArgs, '--keystore', certifierKeystore])
    assert.equal(granted.code, 0, granted.err)
    for (const c of chains) {
      assert.equal(await read(c, 'certificationCount', [OPERATOR]), 1n)
      const cert = (await read(c, 'certificationAt', [OPERATOR, 0n])) as {
        profile: Hex
        expiresAt: bigint
        evidenceHash: Hex
        certifier: string
      }
      assert.equal(cert.profile, keccak256(stringToHex('general')))
      assert.equal(cert.expiresAt, BigInt(Date.parse('2099-12-31T23:59:59Z') / 1000))
      assert.equal(cert.evidenceHash, keccak256(stringToHex('audit report 7')))
      assert.equal(cert.certifier, CERTIFIER)
      assert.deepEqual(await read(c, 'certifiedPolicies', [OPERATOR, 0n]), [POLICY_A, POLICY_B])
    }
    const grantedAgain = await run([...grantArgs, '--keystore', certifierKeystore])
    assert.equal(grantedAgain.code, 1)
    assert.match(
      grantedAgain.err,
      /holds a certification in force until 2099-12-31T23:59:59.000Z: renew it/,
    )

    const renewed = await run([
      'lantern',
      'renew',
      '--operator',
      OPERATOR,
      '--expires',
      '2100-06-30',
      '--evidence',
      'audit report 8',
      '--keystore',
      certifierKeystore,
    ])
    assert.equal(renewed.code, 0, renewed.err)
    const revoked = await run([
      'lantern',
      'revoke',
      '--operator',
      OPERATOR,
      '--reason',
      'failed the audit',
      '--keystore',
      certifierKeystore,
      '--json',
    ])
    assert.equal(revoked.code, 0, revoked.err)
    const json = JSON.parse(revoked.out) as {
      chains: { network: string; status: string; txHash: string; blockNumber: string }[]
    }
    assert.deepEqual(
      json.chains.map((c) => [c.network, c.status]),
      [
        ['ethereum', 'sent'],
        ['polygon', 'sent'],
      ],
    )
    for (const c of chains) {
      assert.equal(await read(c, 'certificationCount', [OPERATOR]), 2n)
      const last = (await read(c, 'certificationAt', [OPERATOR, 1n])) as {
        revokedAt: bigint
        revocationReason: Hex
        expiresAt: bigint
      }
      assert.ok(last.revokedAt > 0n)
      assert.equal(last.revocationReason, keccak256(stringToHex('failed the audit')))
      assert.equal(last.expiresAt, BigInt(Date.parse('2100-06-30T23:59:59Z') / 1000))
    }
    const revokedAgain = await run([
      'lantern',
      'revoke',
      '--operator',
      OPERATOR,
      '--reason',
      'twice',
      '--keystore',
      certifierKeystore,
    ])
    assert.equal(revokedAgain.code, 1)
    assert.match(
      revokedAgain.err,
      /is revoked: grant a new one instead \(LanternCertificationRevoked/,
    )
  })

  test('default: retire the log: refused to anyone but its operator, then done by the operator', async () => {
    const logId = readFileSync(join(keysDir, 'log-id'), 'utf8').trim() as Hex
    const stranger = await run([
      'log',
      'retire',
      '--keys',
      keysDir,
      '--keystore',
      certifierKeystore,
    ])
    assert.equal(stranger.code, 1)
    assert.match(
      stranger.err,
      new RegExp(
        `${CERTIFIER} is not the operator of log ${logId} \\(the keystore is not the owner's\\)`,
      ),
    )
    const retired = await run(['log', 'retire', '--keys', keysDir, '--keystore', operatorKeystore])
    assert.equal(retired.code, 0, retired.err)
    for (const c of chains) {
      const log = (await read(c, 'logInfo', [logId])) as { retired: boolean }
      assert.equal(log.retired, true)
    }
  })

  test('edge: every command says how it is used, and that a Ledger is not supported yet', async () => {
    for (const command of ['keystore', 'operator', 'log', 'lantern']) {
      const io = capture()
      assert.equal(await main({ argv: [command, '--help'], io }), 0)
      assert.match(io.stdout(), /^Usage: tml /)
      assert.match(io.stdout(), /Ledger[\s\S]*not\s+supported yet/)
    }
  })

  test('edge: an RPC that serves another chain than the deployment file is refused', async () => {
    const [eth, poly] = chains as [LocalChain, LocalChain]
    const io = capture(env)
    const code = await main({
      argv: [
        'lantern',
        'revoke',
        '--operator',
        OPERATOR,
        '--reason',
        'x',
        '--keystore',
        certifierKeystore,
        '--chain',
        `ethereum=${poly.rpcUrl}`,
        '--deployments',
        deployments,
      ],
      io,
    })
    assert.equal(code, 1)
    assert.match(
      io.stderr(),
      new RegExp(
        `ethereum: the RPC ${poly.rpcUrl} serves chain ${poly.chainId}, but ethereum.json is chain ${eth.chainId}`,
      ),
    )
  })
})
