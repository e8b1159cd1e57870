// The escapes of issue 13, tried as a hostile operator would: each of these passed (the operator
// escaped) or could not be proven on the contracts before key histories. One key history on every
// chain, evidence that stays evidence, reports that rotations cannot make expensive.
import { describe, it } from 'node:test'
import { anyValue } from '@nomicfoundation/hardhat-viem-assertions/predicates'
import { expect } from 'chai'
import { network } from 'hardhat'
import { type Hex, keccak256, stringToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  signCheckpoint,
  signKeyRotation,
  type TestCheckpoint,
  type TestSigner,
} from '../helpers/checkpoints.ts'
import { deployRegistries, MAX_EPOCH_INTERVAL, RECEIPT_KEY } from '../helpers/registries.ts'

const LogStatus = { Active: 1, Compromised: 3 } as const
const Kind = { SameEpoch: 0, SignedOutsidePeriod: 4, HandoverBreach: 5, KeyFork: 6 } as const
const LogEquivocated = 5
const ROTATIONS = 1000
const REPORT_GAS_LIMIT = 150_000n

const signed = async (by: TestSigner, cp: TestCheckpoint) => ({
  checkpoint: cp,
  signature: await signCheckpoint(by, cp),
})
const otherRoot = (label: string): Hex => keccak256(stringToHex(label))

describe('KeyHistory: evidence the operator cannot escape', async () => {
  // Two chains, as the local stack runs them (Ethereum 31337, Polygon 31338).
  const chainX = await network.create({ network: 'ethereumNode' })
  const chainY = await network.create({ network: 'polygonNode' })
  async function registriesOnX() {
    return deployRegistries(chainX)
  }
  async function registriesOnY() {
    return deployRegistries(chainY)
  }
  const loadX = () => chainX.networkHelpers.loadFixture(registriesOnX)
  const loadY = () => chainY.networkHelpers.loadFixture(registriesOnY)

  describe('rotation escape', () => {
    it('behavior: A signs two checkpoints for head+1, rotates to B after them: the A-signed pair still proves equivocation', async () => {
      const { viem, registry, logId, checkpoint, anchor, accounts, rotation, rotate } =
        await loadX()
      const { signer: a, newSigner: b } = accounts
      await anchor(checkpoint(1n, 4), null)
      // Two histories for epoch 2, both signed by A; one is shown, the other kept.
      const shown = checkpoint(2n, 6)
      // (Both extend epoch 1; the kept one is a history the shown one contradicts.)
      const kept = checkpoint(2n, 7)
      const evidence = [await signed(a, shown), await signed(a, kept)] as const
      // A hands over to B from epoch 3: epoch 2 stays A's, so B cannot re-sign it...
      await rotate(rotation(1n, 3n, b), a)
      await viem.assertions.revertWithCustomErrorWithArgs(
        anchor(kept, 4, b),
        registry,
        'CheckpointInvalidSignature',
        [logId, 2n, a.account.address],
      )
      // ...and A's two signatures for epoch 2 remain the log's word.
      await viem.assertions.emitWithArgs(
        registry.write.reportEquivocation([...evidence]),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.SameEpoch, 2n, 2n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })

    it('behavior: A hands over at head+1 and B anchors the other history: A signing at its handover is proven by reportOutOfPeriod', async () => {
      const { viem, lantern, registry, logId, checkpoint, anchor, accounts, rotation, rotate } =
        await loadX()
      const { signer: a, newSigner: b, operator } = accounts
      await anchor(checkpoint(1n, 4), null)
      const shown = checkpoint(2n, 6)
      const kept = checkpoint(2n, 7)
      const shownByA = await signed(a, shown)
      await rotate(rotation(1n, 2n, b), a)
      // The kept history, re-signed by B, anchors: epoch 2 is B's now.
      await anchor(kept, 4, b)
      const keptByB = await signed(b, kept)
      // A's checkpoint of epoch 2 is outside A's period [1, 2): not equivocation evidence as such...
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportEquivocation([shownByA, keptByB]),
        registry,
        'CheckpointSignedOutsidePeriod',
        [logId, 2n, a.account.address, 0n],
      )
      // ...it is proof on its own: A signed an epoch its own statement gave away.
      await viem.assertions.emitWithArgs(
        registry.write.reportOutOfPeriod([shownByA]),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.SignedOutsidePeriod, 2n, 2n],
      )
      const [lit, reason] = await lantern.read.lanternStatus([operator.account.address])
      expect([lit, reason]).to.deep.equal([false, LogEquivocated])
    })

    it('behavior: relaying a statement whose fromEpoch is at or below the head marks a HandoverBreach, and adds no period', async () => {
      const { viem, registry, logId, checkpoint, anchor, accounts, rotation, rotate } =
        await loadX()
      const { signer: a, newSigner: b } = accounts
      await anchor(checkpoint(1n, 4), null)
      await anchor(checkpoint(2n, 6), 4)
      // This chain holds epoch 2 signed by A; A's statement says B signs from epoch 2.
      await viem.assertions.emitWithArgs(
        rotate(rotation(1n, 2n, b), a),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.HandoverBreach, 2n, 2n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
      expect(await registry.read.keyPeriodCount([logId])).to.equal(1n)
      expect(await registry.read.periodOf([logId, b.account.address])).to.deep.equal([false, 0n])
    })
  })

  describe('rotation spam', () => {
    it(`behavior: a report about an old epoch after ${ROTATIONS} rotations costs under ${REPORT_GAS_LIMIT} gas`, async () => {
      const { registry, publicClient, logId, checkpoint, anchor, accounts, rotation, rotate } =
        await loadX()
      const a = accounts.signer
      await anchor(checkpoint(1n, 4), null)
      await anchor(checkpoint(2n, 6), 4)
      let previous: TestSigner = a
      for (let index = 1; index <= ROTATIONS; index++) {
        const next = privateKeyToAccount(keccak256(stringToHex(`spam key ${index}`)))
        await rotate(rotation(BigInt(index), 2n + BigInt(index), next), previous)
        previous = next
      }
      expect(await registry.read.keyPeriodCount([logId])).to.equal(BigInt(ROTATIONS + 1))
      expect((await registry.read.signerAt([logId, 2n])).toLowerCase()).to.equal(a.account.address)
      const fork = checkpoint(2n, 6, { rootHash: otherRoot('forked epoch 2') })
      const hash = await registry.write.reportEquivocation([
        await signed(a, checkpoint(2n, 6)),
        await signed(a, fork),
      ])
      const receipt = await publicClient.waitForTransactionReceipt({ hash })
      expect(receipt.status).to.equal('success')
      expect(receipt.gasUsed < REPORT_GAS_LIMIT).to.equal(
        true,
        `report used ${receipt.gasUsed} gas`,
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })
  })

  describe('one log, one history on every chain', () => {
    it('behavior: the same name declared with different signers on two chains gives two log ids', async () => {
      const x = await loadX()
      const y = await loadY()
      const operator = x.accounts.operator.account.address
      expect(y.accounts.operator.account.address).to.equal(operator)
      const declare = async (
        world: typeof x,
        signer: Hex,
      ): Promise<{ logId: Hex; args: readonly [string, Hex, Hex, bigint] }> => {
        const args = ['forked-log', signer, RECEIPT_KEY, MAX_EPOCH_INTERVAL] as const
        await world.lantern.write.declareLog([...args], {
          account: world.accounts.operator.account,
        })
        return { logId: await world.lantern.read.computeLogId([operator, ...args]), args }
      }
      const onX = await declare(x, x.accounts.signer.account.address)
      const onY = await declare(y, y.accounts.other.account.address)
      expect(onX.logId).to.not.equal(onY.logId)
      expect(await x.registry.read.logStatus([onY.logId])).to.equal(0)
      expect(await y.registry.read.logStatus([onX.logId])).to.equal(0)
      // The interval is part of the promise, and of the id.
      expect(
        await x.lantern.read.computeLogId([operator, 'forked-log', onX.args[1], RECEIPT_KEY, 60n]),
      ).to.not.equal(onX.logId)
    })

    it('behavior: a key fork (period 1 is B on one chain, C on the other) is proven by reportKeyFork on both chains', async () => {
      const x = await loadX()
      const y = await loadY()
      expect(y.logId).to.equal(x.logId)
      const a = x.accounts.signer
      const toB = x.rotation(1n, 5n, x.accounts.newSigner)
      const toC = x.rotation(1n, 5n, x.accounts.other)
      const sigB = await signKeyRotation(a, toB)
      const sigC = await signKeyRotation(a, toC)
      await x.registry.write.rotateKeys([toB, sigB])
      await y.registry.write.rotateKeys([toC, sigC])
      // Each chain alone looks fine; each has its own period 1.
      expect((await x.registry.read.signerAt([x.logId, 5n])).toLowerCase()).to.equal(
        x.accounts.newSigner.account.address,
      )
      expect((await y.registry.read.signerAt([y.logId, 5n])).toLowerCase()).to.equal(
        y.accounts.other.account.address,
      )
      // Either chain's statement, shown to the other, proves the fork there.
      for (const world of [x, y]) {
        await world.viem.assertions.emitWithArgs(
          world.registry.write.reportKeyFork([toB, sigB, toC, sigC]),
          world.registry,
          'EquivocationReported',
          [world.logId, anyValue, Kind.KeyFork, 5n, 5n],
        )
        expect(await world.registry.read.logStatus([world.logId])).to.equal(LogStatus.Compromised)
        const operator = world.accounts.operator.account.address
        expect((await world.lantern.read.lanternStatus([operator]))[1]).to.equal(LogEquivocated)
      }
    })

    it('behavior: a checkpoint anchored on chain X is evidence on chain Y, through a rotation', async () => {
      const x = await loadX()
      const y = await loadY()
      const { signer: a, newSigner: b } = x.accounts
      // The same statement relayed to both chains: one history.
      const statement = x.rotation(1n, 3n, b)
      const signature = await signKeyRotation(a, statement)
      for (const world of [x, y]) await world.registry.write.rotateKeys([statement, signature])
      await x.anchor(x.checkpoint(1n, 4), null)
      await y.anchor(y.checkpoint(1n, 4), null)
      // Epoch 3 on X, signed by B...
      const onX = x.checkpoint(3n, 9)
      await x.anchor(onX, 4, b)
      expect(await x.registry.read.isAnchored([onX])).to.equal(true)
      // ...and another epoch 3 on Y, also signed by B (Y skipped epoch 2).
      const onY = y.checkpoint(3n, 10)
      await y.anchor(onY, 4, b)
      // The checkpoint X anchored, as anyone reads it from X, proves the fork on Y.
      const evidenceFromX = await signed(b, onX)
      await y.viem.assertions.emitWithArgs(
        y.registry.write.reportEquivocation([evidenceFromX, await signed(b, onY)]),
        y.registry,
        'EquivocationReported',
        [y.logId, anyValue, Kind.SameEpoch, 3n, 3n],
      )
      expect(await y.registry.read.logStatus([y.logId])).to.equal(LogStatus.Compromised)
      // And Y's anchored checkpoint proves it on X.
      await x.registry.write.reportEquivocation([await signed(b, onY), evidenceFromX])
      expect(await x.registry.read.logStatus([x.logId])).to.equal(LogStatus.Compromised)
    })
  })
})
