import { describe, it } from 'node:test'
import { anyValue } from '@nomicfoundation/hardhat-viem-assertions/predicates'
import { expect } from 'chai'
import { network } from 'hardhat'
import { concat, type Hex, keccak256, numberToHex, size, slice, stringToHex, zeroHash } from 'viem'
import { signCheckpoint, type TestCheckpoint } from '../helpers/checkpoints.ts'
import { deployRegistries, RECEIPT_KEY, TREE } from '../helpers/registries.ts'
import { buildTestTree, rootAt } from '../helpers/tree.ts'

const EMPTY_ROOT = '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const LogStatus = { Unknown: 0, Active: 1, Retired: 2, Compromised: 3 } as const
const Kind = { SameEpoch: 0, TreeShrank: 1, SameSizeDifferentRoots: 2, DifferentLeaves: 3 } as const

/** The malleable twin of a valid signature: (r, n - s, v flipped). Recovers the same key. */
function highS(signature: Hex): Hex {
  const r = slice(signature, 0, 32)
  const s = BigInt(slice(signature, 32, 64))
  const v = Number(BigInt(slice(signature, 64, 65)))
  return concat([
    r,
    numberToHex(SECP256K1_N - s, { size: 32 }),
    numberToHex(v === 27 ? 28 : 27, { size: 1 }),
  ])
}

describe('CheckpointRegistry', async () => {
  const connection = await network.create()
  const { networkHelpers } = connection

  async function registriesFixture() {
    return deployRegistries(connection)
  }
  const load = () => networkHelpers.loadFixture(registriesFixture)

  describe('anchor', () => {
    it('default: anchors the first checkpoint without a proof and emits CheckpointAnchored', async () => {
      const { registry, viem, logId, checkpoint, anchor } = await load()
      const cp = checkpoint(1n, 5)
      await viem.assertions.emitWithArgs(anchor(cp, null), registry, 'CheckpointAnchored', [
        logId,
        1n,
        5n,
        cp.rootHash,
        cp.timestamp,
      ])
      expect(await registry.read.head([logId])).to.deep.equal([1n, cp.rootHash, 5n, cp.timestamp])
      expect(await registry.read.checkpointAt([logId, 1n])).to.deep.equal([
        cp.rootHash,
        5n,
        cp.timestamp,
      ])
    })

    it('behavior: anchors epochs in a row with consistency proofs; earlier epochs keep their root', async () => {
      const { registry, logId, checkpoint, anchor } = await load()
      await anchor(checkpoint(1n, 3), null)
      await anchor(checkpoint(2n, 7), 3)
      await anchor(checkpoint(3n, 7), 7)
      const last = checkpoint(4n, 64)
      await anchor(last, 7)
      expect(await registry.read.head([logId])).to.deep.equal([
        4n,
        last.rootHash,
        64n,
        last.timestamp,
      ])
      expect(await registry.read.checkpointAt([logId, 2n])).to.deep.equal([rootAt(TREE, 7), 0n, 0n])
      expect(await registry.read.checkpointAt([logId, 1n])).to.deep.equal([rootAt(TREE, 3), 0n, 0n])
      expect(await registry.read.checkpointAt([logId, 5n])).to.deep.equal([zeroHash, 0n, 0n])
      expect(await registry.read.checkpointAt([logId, 0n])).to.deep.equal([zeroHash, 0n, 0n])
    })

    it('behavior: anyone may relay a checkpoint, the signature is what counts', async () => {
      const { registry, logId, checkpoint, accounts } = await load()
      const cp = checkpoint(1n, 4)
      const signature = await signCheckpoint(accounts.signer, cp)
      await registry.write.anchor([cp, [], signature], { account: accounts.stranger.account })
      expect((await registry.read.head([logId]))[0]).to.equal(1n)
    })

    it('behavior: the identical checkpoint again is a no-op without event, for the head and older epochs', async () => {
      const { registry, publicClient, logId, checkpoint, anchor } = await load()
      await anchor(checkpoint(1n, 3), null)
      await anchor(checkpoint(2n, 9), 3)
      for (const [cp, from] of [
        [checkpoint(2n, 9), 3],
        [checkpoint(1n, 3), null],
      ] as const) {
        const receipt = await publicClient.waitForTransactionReceipt({
          hash: await anchor(cp, from),
        })
        expect(receipt.status).to.equal('success')
        expect(receipt.logs).to.have.length(0)
      }
      expect((await registry.read.head([logId]))[0]).to.equal(2n)
    })

    it('behavior: an empty tree anchors with root SHA-256("") and any tree follows it without a proof', async () => {
      const { registry, logId, checkpoint, anchor } = await load()
      await anchor(checkpoint(1n, 0, { rootHash: EMPTY_ROOT }), null)
      await anchor(checkpoint(2n, 0, { rootHash: EMPTY_ROOT }), null)
      await anchor(checkpoint(3n, 10), null)
      expect((await registry.read.head([logId]))[2]).to.equal(10n)
    })

    it('behavior: a contract signer (ERC-1271, two owners) anchors with both owners signing', async () => {
      const { viem, lantern, registry, accounts, start } = await load()
      const { other, stranger, operator, relayer } = accounts
      const multisig = await viem.deployContract('ERC1271SignerMock', [
        [other.account.address, stranger.account.address],
      ])
      await lantern.write.declareLog(['multisig-log', multisig.address, RECEIPT_KEY, 3600n], {
        account: operator.account,
      })
      const logId = await lantern.read.computeLogId([operator.account.address, 'multisig-log'])
      const cp: TestCheckpoint = {
        logId,
        epoch: 1n,
        treeSize: 8n,
        rootHash: rootAt(TREE, 8),
        timestamp: start,
      }
      const both = concat([await signCheckpoint(other, cp), await signCheckpoint(stranger, cp)])
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.anchor([cp, [], await signCheckpoint(other, cp)], {
          account: relayer.account,
        }),
        registry,
        'CheckpointInvalidSignature',
        [logId, 1n, multisig.address],
      )
      await viem.assertions.emitWithArgs(
        registry.write.anchor([cp, [], both], { account: relayer.account }),
        registry,
        'CheckpointAnchored',
        [logId, 1n, 8n, cp.rootHash, cp.timestamp],
      )
    })

    it('behavior: after a signer rotation the new signer signs the next epochs, old epochs keep the old one', async () => {
      const { viem, lantern, registry, logId, checkpoint, anchor, accounts } = await load()
      const { signer, newSigner, operator } = accounts
      await anchor(checkpoint(1n, 4), null)
      await anchor(checkpoint(2n, 6), 4)
      await viem.assertions.emitWithArgs(
        lantern.write.rotateSigner([logId, newSigner.account.address], {
          account: operator.account,
        }),
        lantern,
        'LogSignerRotated',
        [logId, signer.account.address, newSigner.account.address, 3n],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        anchor(checkpoint(3n, 9), 6, signer),
        registry,
        'CheckpointInvalidSignature',
        [logId, 3n, newSigner.account.address],
      )
      await anchor(checkpoint(3n, 9), 6, newSigner)
      expect(await registry.read.signerAt([logId, 0n])).to.equal(
        '0x0000000000000000000000000000000000000000',
      )
      expect((await registry.read.signerAt([logId, 1n])).toLowerCase()).to.equal(
        signer.account.address,
      )
      expect((await registry.read.signerAt([logId, 2n])).toLowerCase()).to.equal(
        signer.account.address,
      )
      expect((await registry.read.signerAt([logId, 3n])).toLowerCase()).to.equal(
        newSigner.account.address,
      )
      expect((await registry.read.signerAt([logId, 99n])).toLowerCase()).to.equal(
        newSigner.account.address,
      )
      // An old checkpoint, signed by the old signer, still counts as evidence (see reportEquivocation).
      const forged = checkpoint(2n, 6, { rootHash: keccak256(stringToHex('other root')) })
      await registry.write.reportEquivocation([
        {
          checkpoint: checkpoint(2n, 6),
          signature: await signCheckpoint(signer, checkpoint(2n, 6)),
        },
        { checkpoint: forged, signature: await signCheckpoint(signer, forged) },
      ])
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })

    describe('errors', () => {
      it('reverts with CheckpointUnknownLog for a log never declared', async () => {
        const { viem, registry, checkpoint, anchor } = await load()
        const unknown = keccak256(stringToHex('nobody'))
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(1n, 1, { logId: unknown }), null),
          registry,
          'CheckpointUnknownLog',
          [unknown],
        )
      })

      it('reverts with CheckpointEpochNotNext for epoch 0, a gap, and the first epoch of an empty log', async () => {
        const { viem, registry, logId, checkpoint, anchor } = await load()
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(2n, 1), null),
          registry,
          'CheckpointEpochNotNext',
          [logId, 1n, 2n],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(0n, 1), null),
          registry,
          'CheckpointEpochNotNext',
          [logId, 1n, 0n],
        )
        await anchor(checkpoint(1n, 1), null)
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(3n, 2), 1),
          registry,
          'CheckpointEpochNotNext',
          [logId, 2n, 3n],
        )
      })

      it('reverts with CheckpointRootConflict for another root of an anchored epoch', async () => {
        const { viem, registry, logId, checkpoint, anchor } = await load()
        await anchor(checkpoint(1n, 5), null)
        await anchor(checkpoint(2n, 8), 5)
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(1n, 6), null),
          registry,
          'CheckpointRootConflict',
          [logId, 1n, rootAt(TREE, 5), rootAt(TREE, 6)],
        )
      })

      it('reverts with CheckpointTreeShrank when the tree gets smaller', async () => {
        const { viem, registry, logId, checkpoint, anchor } = await load()
        await anchor(checkpoint(1n, 9), null)
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(2n, 8), null),
          registry,
          'CheckpointTreeShrank',
          [logId, 9n, 8n],
        )
      })

      it('reverts with CheckpointTimestampOutOfRange before the previous checkpoint or too far ahead', async () => {
        const { viem, registry, logId, checkpoint, anchor, networkHelpers } = await load()
        const first = checkpoint(1n, 2)
        await anchor(first, null)
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(2n, 3, { timestamp: first.timestamp - 1n }), 2),
          registry,
          'CheckpointTimestampOutOfRange',
          [logId, first.timestamp - 1n, first.timestamp, anyValue],
        )
        const skew = await registry.read.MAX_CLOCK_SKEW()
        expect(skew).to.equal(900n)
        const now = BigInt(await networkHelpers.time.latest())
        await networkHelpers.time.setNextBlockTimestamp(now + 10n)
        const tooLate = now + 10n + skew + 1n
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(2n, 3, { timestamp: tooLate }), 2),
          registry,
          'CheckpointTimestampOutOfRange',
          [logId, tooLate, first.timestamp, now + 10n + skew],
        )
        await networkHelpers.time.setNextBlockTimestamp(now + 20n)
        await anchor(checkpoint(2n, 3, { timestamp: now + 20n + skew }), 2)
      })

      it('reverts with CheckpointInconsistent for a wrong, missing or extra proof', async () => {
        const { viem, registry, logId, checkpoint, accounts, anchor } = await load()
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.anchor([
            checkpoint(1n, 4),
            [rootAt(TREE, 4)],
            await signCheckpoint(accounts.signer, checkpoint(1n, 4)),
          ]),
          registry,
          'CheckpointInconsistent',
          [logId, 0n, 4n],
        )
        await anchor(checkpoint(1n, 5), null)
        const next = checkpoint(2n, 13)
        const proof = await TREE.consistencyProof(5, 13)
        const signature = await signCheckpoint(accounts.signer, next)
        for (const bad of [
          [],
          proof.slice(1),
          [...proof, zeroHash],
          await TREE.consistencyProof(6, 13),
        ]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            registry.write.anchor([next, bad, signature]),
            registry,
            'CheckpointInconsistent',
            [logId, 5n, 13n],
          )
        }
        // A root that is not the tree's, with the tree's own proof.
        const lying = checkpoint(2n, 13, { rootHash: rootAt(TREE, 14) })
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.anchor([lying, proof, await signCheckpoint(accounts.signer, lying)]),
          registry,
          'CheckpointInconsistent',
          [logId, 5n, 13n],
        )
        // Same size, other root.
        const same = checkpoint(2n, 5, { rootHash: rootAt(TREE, 6) })
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.anchor([same, [], await signCheckpoint(accounts.signer, same)]),
          registry,
          'CheckpointInconsistent',
          [logId, 5n, 5n],
        )
      })

      it('reverts with CheckpointEmptyTreeRoot for an empty tree whose root is not SHA-256("")', async () => {
        const { viem, registry, logId, checkpoint, anchor } = await load()
        const root = rootAt(TREE, 1)
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(1n, 0, { rootHash: root }), null),
          registry,
          'CheckpointEmptyTreeRoot',
          [logId, root],
        )
      })

      it('reverts with CheckpointInvalidSignature for another key, a malleable twin, or a cut signature', async () => {
        const { viem, registry, logId, checkpoint, accounts } = await load()
        const cp = checkpoint(1n, 3)
        const good = await signCheckpoint(accounts.signer, cp)
        const bad = [
          await signCheckpoint(accounts.other, cp),
          highS(good),
          slice(good, 0, 64),
          concat([good, '0x00']),
          await signCheckpoint(
            accounts.signer,
            checkpoint(1n, 3, { timestamp: cp.timestamp + 1n }),
          ),
        ]
        expect(size(bad[1] as Hex)).to.equal(65)
        for (const signature of bad) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            registry.write.anchor([cp, [], signature]),
            registry,
            'CheckpointInvalidSignature',
            [logId, 1n, accounts.signer.account.address],
          )
        }
        await registry.write.anchor([cp, [], good])
      })

      it('reverts with CheckpointLogRetired once the operator retired the log', async () => {
        const { viem, lantern, registry, logId, checkpoint, anchor, accounts } = await load()
        await anchor(checkpoint(1n, 2), null)
        await lantern.write.retireLog([logId], { account: accounts.operator.account })
        expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Retired)
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(2n, 3), 2),
          registry,
          'CheckpointLogRetired',
          [logId],
        )
        expect((await registry.read.head([logId]))[1]).to.equal(rootAt(TREE, 2))
      })

      it('reverts with CheckpointLogCompromised once the log was caught equivocating', async () => {
        const { viem, registry, logId, checkpoint, anchor, accounts } = await load()
        await anchor(checkpoint(1n, 2), null)
        const fork = checkpoint(1n, 3)
        await registry.write.reportEquivocation([
          {
            checkpoint: checkpoint(1n, 2),
            signature: await signCheckpoint(accounts.signer, checkpoint(1n, 2)),
          },
          { checkpoint: fork, signature: await signCheckpoint(accounts.signer, fork) },
        ])
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(2n, 4), 2),
          registry,
          'CheckpointLogCompromised',
          [logId],
        )
      })
    })
  })

  describe('reportEquivocation', () => {
    it('default: two signed checkpoints of one epoch with different roots mark the log compromised', async () => {
      const { viem, registry, lantern, logId, checkpoint, anchor, accounts } = await load()
      await anchor(checkpoint(1n, 4), null)
      const a = checkpoint(2n, 6)
      const b = checkpoint(2n, 6, { rootHash: keccak256(stringToHex('a forked tree')) })
      await viem.assertions.emitWithArgs(
        registry.write.reportEquivocation(
          [
            { checkpoint: a, signature: await signCheckpoint(accounts.signer, a) },
            { checkpoint: b, signature: await signCheckpoint(accounts.signer, b) },
          ],
          { account: accounts.stranger.account },
        ),
        registry,
        'EquivocationReported',
        [logId, accounts.stranger.account.address, Kind.SameEpoch, 2n, 2n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
      expect((await lantern.read.lanternStatus([accounts.operator.account.address]))[1]).to.equal(5)
    })

    it('behavior: same epoch, same root, different tree size is an equivocation', async () => {
      const { viem, registry, logId, checkpoint, accounts } = await load()
      const a = checkpoint(3n, 6)
      const b = checkpoint(3n, 7, { rootHash: a.rootHash })
      await viem.assertions.emitWithArgs(
        registry.write.reportEquivocation([
          { checkpoint: a, signature: await signCheckpoint(accounts.signer, a) },
          { checkpoint: b, signature: await signCheckpoint(accounts.signer, b) },
        ]),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.SameEpoch, 3n, 3n],
      )
    })

    it('behavior: a later epoch with a smaller tree is an equivocation (TreeShrank), in either order', async () => {
      const { viem, registry, logId, checkpoint, accounts } = await load()
      const later = checkpoint(5n, 8)
      const earlier = checkpoint(3n, 10)
      await viem.assertions.emitWithArgs(
        registry.write.reportEquivocation([
          { checkpoint: later, signature: await signCheckpoint(accounts.signer, later) },
          { checkpoint: earlier, signature: await signCheckpoint(accounts.signer, earlier) },
        ]),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.TreeShrank, 5n, 3n],
      )
    })

    it('behavior: two epochs with the same tree size and different roots are an equivocation', async () => {
      const { viem, registry, logId, checkpoint, accounts } = await load()
      const a = checkpoint(2n, 10)
      const b = checkpoint(6n, 10, { rootHash: rootAt(TREE, 11) })
      await viem.assertions.emitWithArgs(
        registry.write.reportEquivocation([
          { checkpoint: a, signature: await signCheckpoint(accounts.signer, a) },
          { checkpoint: b, signature: await signCheckpoint(accounts.signer, b) },
        ]),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.SameSizeDifferentRoots, 2n, 6n],
      )
    })

    describe('errors', () => {
      it('reverts with CheckpointEquivocationNotProven for checkpoints that can both be true', async () => {
        const { viem, registry, logId, checkpoint, accounts } = await load()
        const pairs: [TestCheckpoint, TestCheckpoint][] = [
          [checkpoint(2n, 6), checkpoint(3n, 9)],
          [checkpoint(4n, 9), checkpoint(2n, 6)],
          [checkpoint(2n, 6), checkpoint(2n, 6, { timestamp: 1n })],
          [checkpoint(2n, 6), checkpoint(3n, 6)],
        ]
        for (const [a, b] of pairs) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            registry.write.reportEquivocation([
              { checkpoint: a, signature: await signCheckpoint(accounts.signer, a) },
              { checkpoint: b, signature: await signCheckpoint(accounts.signer, b) },
            ]),
            registry,
            'CheckpointEquivocationNotProven',
            [logId, a.epoch, b.epoch],
          )
        }
      })

      it('reverts with CheckpointInvalidSignature when a checkpoint is not signed by its epoch signer', async () => {
        const { viem, registry, logId, checkpoint, accounts } = await load()
        const a = checkpoint(2n, 6)
        const b = checkpoint(2n, 7)
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([
            { checkpoint: a, signature: await signCheckpoint(accounts.signer, a) },
            { checkpoint: b, signature: await signCheckpoint(accounts.other, b) },
          ]),
          registry,
          'CheckpointInvalidSignature',
          [logId, 2n, accounts.signer.account.address],
        )
        const zero = checkpoint(0n, 6)
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([
            { checkpoint: zero, signature: await signCheckpoint(accounts.signer, zero) },
            { checkpoint: b, signature: await signCheckpoint(accounts.signer, b) },
          ]),
          registry,
          'CheckpointInvalidSignature',
          [logId, 0n, '0x0000000000000000000000000000000000000000'],
        )
      })

      it('reverts with CheckpointEquivocationLogMismatch, CheckpointUnknownLog and CheckpointLogCompromised', async () => {
        const { viem, registry, logId, checkpoint, accounts } = await load()
        const other = keccak256(stringToHex('other log'))
        const a = checkpoint(2n, 6)
        const b = checkpoint(2n, 7, { logId: other })
        const signed = async (cp: TestCheckpoint) => ({
          checkpoint: cp,
          signature: await signCheckpoint(accounts.signer, cp),
        })
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([await signed(a), await signed(b)]),
          registry,
          'CheckpointEquivocationLogMismatch',
          [logId, other],
        )
        const c = checkpoint(2n, 6, { logId: other })
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([await signed(c), await signed(b)]),
          registry,
          'CheckpointUnknownLog',
          [other],
        )
        const d = checkpoint(2n, 7)
        await registry.write.reportEquivocation([await signed(a), await signed(d)])
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([await signed(a), await signed(d)]),
          registry,
          'CheckpointLogCompromised',
          [logId],
        )
      })
    })
  })

  describe('reportInconsistency', () => {
    // A fork: the same log history up to leaf 4, then leaf 5 differs.
    const fork = buildTestTree({
      size: 16,
      rootsAt: [12],
      keepLeafHashes: true,
      leafData: (i) => new TextEncoder().encode(i === 5 ? 'rewritten history' : `leaf ${i}`),
    })

    it('default: two trees with different leaves at one index mark the log compromised', async () => {
      const { viem, registry, logId, checkpoint, anchor, accounts } = await load()
      await anchor(checkpoint(1n, 8), null)
      const honest = checkpoint(1n, 8)
      const forked = checkpoint(4n, 12, { rootHash: rootAt(fork, 12) })
      expect(forked.rootHash).to.not.equal(rootAt(TREE, 12))
      await viem.assertions.emitWithArgs(
        registry.write.reportInconsistency([
          { checkpoint: honest, signature: await signCheckpoint(accounts.signer, honest) },
          { checkpoint: forked, signature: await signCheckpoint(accounts.signer, forked) },
          5n,
          { leafHash: TREE.leafHashes[5] as Hex, proof: await TREE.inclusionProof(5, 8) },
          { leafHash: fork.leafHashes[5] as Hex, proof: await fork.inclusionProof(5, 12) },
        ]),
        registry,
        'EquivocationReported',
        [logId, anyValue, Kind.DifferentLeaves, 1n, 4n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })

    it('reverts with CheckpointEquivocationNotProven for equal leaves, a bad proof, or an index past a tree', async () => {
      const { viem, registry, logId, checkpoint, accounts } = await load()
      const honest = checkpoint(1n, 8)
      const later = checkpoint(2n, 12)
      const forked = checkpoint(4n, 12, { rootHash: rootAt(fork, 12) })
      const signed = async (cp: TestCheckpoint) => ({
        checkpoint: cp,
        signature: await signCheckpoint(accounts.signer, cp),
      })
      const cases = [
        // The honest log agrees with itself.
        [later, 5n, TREE.leafHashes[5], await TREE.inclusionProof(5, 12)],
        // A leaf hash that the proof does not hold.
        [forked, 5n, fork.leafHashes[6], await fork.inclusionProof(5, 12)],
        // Leaf 9 is not in the tree of 8 leaves.
        [forked, 9n, fork.leafHashes[9], await fork.inclusionProof(9, 12)],
      ] as const
      for (const [second, index, leafHash, proof] of cases) {
        const firstProof = index < 8n ? await TREE.inclusionProof(Number(index), 8) : []
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportInconsistency([
            await signed(honest),
            await signed(second),
            index,
            { leafHash: TREE.leafHashes[Number(index)] as Hex, proof: firstProof },
            { leafHash: leafHash as Hex, proof },
          ]),
          registry,
          'CheckpointEquivocationNotProven',
          [logId, 1n, second.epoch],
        )
      }
    })
  })

  describe('verifyInclusion', () => {
    it('default: proves a leaf of an anchored epoch; false for a stranger leaf or an epoch not anchored', async () => {
      const { registry, logId, checkpoint, anchor } = await load()
      await anchor(checkpoint(1n, 20), null)
      await anchor(checkpoint(2n, 33), 20)
      for (const [epoch, treeSize] of [
        [1n, 20],
        [2n, 33],
      ] as const) {
        for (const leafIndex of [0, 7, treeSize - 1]) {
          const proof = await TREE.inclusionProof(leafIndex, treeSize)
          const leafHash = TREE.leafHashes[leafIndex] as Hex
          expect(
            await registry.read.verifyInclusion([
              logId,
              epoch,
              BigInt(treeSize),
              BigInt(leafIndex),
              leafHash,
              proof,
            ]),
          ).to.equal(true)
        }
      }
      const proof = await TREE.inclusionProof(3, 20)
      expect(
        await registry.read.verifyInclusion([logId, 1n, 20n, 3n, TREE.leafHashes[4] as Hex, proof]),
      ).to.equal(false)
      expect(
        await registry.read.verifyInclusion([logId, 3n, 20n, 3n, TREE.leafHashes[3] as Hex, proof]),
      ).to.equal(false)
    })
  })

  describe('configuration (LanternRegistry only)', () => {
    it('reverts with CheckpointUnauthorizedCaller for registerLog, rotateSigner and retireLog from anyone else', async () => {
      const { viem, registry, logId, accounts } = await load()
      const caller = accounts.operator
      const calls = [
        () =>
          registry.write.registerLog([keccak256(stringToHex('x')), caller.account.address], {
            account: caller.account,
          }),
        () =>
          registry.write.rotateSigner([logId, caller.account.address], { account: caller.account }),
        () => registry.write.retireLog([logId], { account: caller.account }),
      ]
      for (const call of calls) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          call(),
          registry,
          'CheckpointUnauthorizedCaller',
          [caller.account.address],
        )
      }
    })

    it('reverts with CheckpointLogExists and CheckpointInvalidSigner for a log registered twice or a zero signer', async () => {
      const { viem, accounts } = await load()
      // A registry whose "lantern" is a plain account, to call the configuration functions directly.
      const direct = await viem.deployContract('CheckpointRegistry', [
        accounts.admin.account.address,
      ])
      const id = keccak256(stringToHex('direct'))
      expect((await direct.read.lantern()).toLowerCase()).to.equal(accounts.admin.account.address)
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.registerLog([id, '0x0000000000000000000000000000000000000000']),
        direct,
        'CheckpointInvalidSigner',
        ['0x0000000000000000000000000000000000000000'],
      )
      await direct.write.registerLog([id, accounts.signer.account.address])
      expect(await direct.read.logStatus([id])).to.equal(LogStatus.Active)
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.registerLog([id, accounts.signer.account.address]),
        direct,
        'CheckpointLogExists',
        [id],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.rotateSigner([id, '0x0000000000000000000000000000000000000000']),
        direct,
        'CheckpointInvalidSigner',
        ['0x0000000000000000000000000000000000000000'],
      )
      const unknown = keccak256(stringToHex('unknown'))
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.retireLog([unknown]),
        direct,
        'CheckpointUnknownLog',
        [unknown],
      )
      await direct.write.retireLog([id])
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.retireLog([id]),
        direct,
        'CheckpointLogRetired',
        [id],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.rotateSigner([id, accounts.other.account.address]),
        direct,
        'CheckpointLogRetired',
        [id],
      )
    })
  })
})
