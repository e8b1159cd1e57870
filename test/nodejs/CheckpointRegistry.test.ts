import { describe, it } from 'node:test'
import { anyValue } from '@nomicfoundation/hardhat-viem-assertions/predicates'
import { expect } from 'chai'
import { network } from 'hardhat'
import {
  concat,
  type Hex,
  hashStruct,
  keccak256,
  numberToHex,
  size,
  slice,
  stringToHex,
  zeroAddress,
  zeroHash,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  CHECKPOINT_TYPES,
  signCheckpoint,
  signKeyRotation,
  type TestCheckpoint,
  type TestSigner,
} from '../helpers/checkpoints.ts'
import { deployRegistries, MAX_EPOCH_INTERVAL, RECEIPT_KEY, TREE } from '../helpers/registries.ts'
import { buildTestTree, rootAt } from '../helpers/tree.ts'

const EMPTY_ROOT = '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const LogStatus = { Unknown: 0, Active: 1, Retired: 2, Compromised: 3 } as const
const Kind = {
  SameEpoch: 0,
  TreeShrank: 1,
  SameSizeDifferentRoots: 2,
  DifferentLeaves: 3,
  SignedOutsidePeriod: 4,
  HandoverBreach: 5,
  KeyFork: 6,
} as const
/** A contract that answers the ERC-1271 magic value 0x1626ba7e to any call: the most willing signer. */
const ERC1271_ALWAYS_YES = '0x631626ba7e60e01b60005260206000f3'

/** The EIP-712 struct hash the registry stores for an anchored epoch. */
const structHashOf = (cp: TestCheckpoint): Hex =>
  hashStruct({ data: cp, types: CHECKPOINT_TYPES, primaryType: 'Checkpoint' })

/** A revert with `error` and `args` given as data, for tables of cases of one contract. */
type Assertions = Awaited<ReturnType<typeof network.create>>['viem']['assertions']
const revertsWith = (
  assertions: Assertions,
  call: Promise<Hex>,
  contract: { abi: readonly unknown[] },
  error: string,
  args: readonly unknown[],
) =>
  assertions.revertWithCustomErrorWithArgs(call, contract as never, error as never, args as never)

const signed = async (by: TestSigner, cp: TestCheckpoint) => ({
  checkpoint: cp,
  signature: await signCheckpoint(by, cp),
})

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
      expect(await registry.read.checkpointHashAt([logId, 1n])).to.equal(structHashOf(cp))
      expect(await registry.read.isAnchored([cp])).to.equal(true)
    })

    it('behavior: anchors epochs in a row with consistency proofs; every epoch keeps its size, root and time', async () => {
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
      for (const cp of [checkpoint(1n, 3), checkpoint(2n, 7), checkpoint(3n, 7)]) {
        expect(await registry.read.checkpointHashAt([logId, cp.epoch])).to.equal(structHashOf(cp))
        expect(await registry.read.isAnchored([cp])).to.equal(true)
      }
      expect(await registry.read.checkpointHashAt([logId, 5n])).to.equal(zeroHash)
      expect(await registry.read.checkpointHashAt([logId, 0n])).to.equal(zeroHash)
      expect(await registry.read.isAnchored([checkpoint(5n, 64)])).to.equal(false)
    })

    it("behavior: an older epoch's size is checkable: isAnchored is true for its size, false for a wrong size or time", async () => {
      const { registry, logId, checkpoint, anchor } = await load()
      await anchor(checkpoint(1n, 3), null)
      await anchor(checkpoint(2n, 7), 3)
      await anchor(checkpoint(3n, 12), 7)
      const older = checkpoint(2n, 7)
      expect(await registry.read.isAnchored([older])).to.equal(true)
      expect(await registry.read.checkpointHashAt([logId, 2n])).to.equal(structHashOf(older))
      // The same root claimed for another tree size (or time) is not what epoch 2 anchored.
      for (const wrong of [
        checkpoint(2n, 8, { rootHash: older.rootHash }),
        checkpoint(2n, 6, { rootHash: older.rootHash }),
        checkpoint(2n, 7, { timestamp: older.timestamp + 1n }),
        checkpoint(2n, 7, { rootHash: rootAt(TREE, 8) }),
      ]) {
        expect(await registry.read.isAnchored([wrong])).to.equal(false)
        expect(await registry.read.checkpointHashAt([logId, 2n])).to.not.equal(structHashOf(wrong))
      }
    })

    it('behavior: a chain may skip epochs, with a proof from its own head; a skipped epoch stays refused', async () => {
      const { viem, registry, logId, checkpoint, anchor } = await load()
      await anchor(checkpoint(1n, 5), null)
      // Epoch 4 follows this chain's head (epoch 1, 5 leaves): the proof is from 1's tree.
      const fourth = checkpoint(4n, 20)
      await viem.assertions.emitWithArgs(anchor(fourth, 5), registry, 'CheckpointAnchored', [
        logId,
        4n,
        20n,
        fourth.rootHash,
        fourth.timestamp,
      ])
      expect(await registry.read.head([logId])).to.deep.equal([
        4n,
        fourth.rootHash,
        20n,
        fourth.timestamp,
      ])
      await viem.assertions.revertWithCustomErrorWithArgs(
        anchor(checkpoint(2n, 9), 5),
        registry,
        'CheckpointEpochNotAfterHead',
        [logId, 4n, 2n],
      )
      expect(await registry.read.checkpointHashAt([logId, 2n])).to.equal(zeroHash)
      expect(await registry.read.checkpointHashAt([logId, 3n])).to.equal(zeroHash)
      // The next one is proven from epoch 4's tree.
      await anchor(checkpoint(9n, 33), 20)
      expect((await registry.read.head([logId]))[0]).to.equal(9n)
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

    it('behavior: an ERC-1271 signer is refused: its "signature" neither anchors nor counts as evidence', async () => {
      const { viem, lantern, registry, accounts, start, networkHelpers } = await load()
      const { other, operator, relayer } = accounts
      // A contract that says yes to every isValidSignature, declared as a log's signer.
      const contractSigner = privateKeyToAccount(keccak256(stringToHex('contract signer'))).address
      await networkHelpers.setCode(contractSigner, ERC1271_ALWAYS_YES)
      const args = ['contract-log', contractSigner, RECEIPT_KEY, MAX_EPOCH_INTERVAL] as const
      await lantern.write.declareLog([...args], { account: operator.account })
      const logId = await lantern.read.computeLogId([operator.account.address, ...args])
      const cp: TestCheckpoint = {
        logId,
        epoch: 1n,
        treeSize: 8n,
        rootHash: rootAt(TREE, 8),
        timestamp: start,
      }
      const owners = concat([await signCheckpoint(other, cp), await signCheckpoint(other, cp)])
      for (const signature of [owners, '0x' as Hex, await signCheckpoint(other, cp)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.anchor([cp, [], signature], { account: relayer.account }),
          registry,
          'CheckpointInvalidSignature',
          [logId, 1n, contractSigner],
        )
      }
      const fork = { ...cp, rootHash: rootAt(TREE, 7) }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportEquivocation([
          { checkpoint: cp, signature: owners },
          { checkpoint: fork, signature: owners },
        ]),
        registry,
        'CheckpointSignerNotInHistory',
        [logId, 1n, zeroAddress],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Active)
    })

    it('behavior: after a key rotation the new key signs from its epoch on, earlier epochs keep the old one', async () => {
      const { viem, registry, logId, checkpoint, anchor, accounts, rotation, rotate } = await load()
      const { signer, newSigner } = accounts
      await anchor(checkpoint(1n, 4), null)
      await anchor(checkpoint(2n, 6), 4)
      // Relayed ahead: epochs 3 and 4 still belong to the old key, 5 on to the new one.
      const statement = rotation(1n, 5n, newSigner)
      await viem.assertions.emitWithArgs(rotate(statement, signer), registry, 'KeysRotated', [
        logId,
        1n,
        5n,
        newSigner.account.address,
        statement.receiptKey,
      ])
      await viem.assertions.revertWithCustomErrorWithArgs(
        anchor(checkpoint(3n, 9), 6, newSigner),
        registry,
        'CheckpointInvalidSignature',
        [logId, 3n, signer.account.address],
      )
      await anchor(checkpoint(3n, 9), 6, signer)
      await viem.assertions.revertWithCustomErrorWithArgs(
        anchor(checkpoint(5n, 12), 9, signer),
        registry,
        'CheckpointInvalidSignature',
        [logId, 5n, newSigner.account.address],
      )
      await anchor(checkpoint(5n, 12), 9, newSigner)
      expect(await registry.read.signerAt([logId, 0n])).to.equal(zeroAddress)
      for (const [epoch, who] of [
        [1n, signer],
        [4n, signer],
        [5n, newSigner],
        [99n, newSigner],
      ] as const) {
        expect((await registry.read.signerAt([logId, epoch])).toLowerCase()).to.equal(
          who.account.address,
        )
      }
      const [oldKey, oldReceiptKey, oldIndex] = await registry.read.keysAt([logId, 4n])
      expect([oldKey.toLowerCase(), oldReceiptKey, oldIndex]).to.deep.equal([
        signer.account.address,
        RECEIPT_KEY,
        0n,
      ])
      const [newKey, newReceiptKey, newIndex] = await registry.read.keysAt([logId, 5n])
      expect([newKey.toLowerCase(), newReceiptKey, newIndex]).to.deep.equal([
        newSigner.account.address,
        statement.receiptKey,
        1n,
      ])
      // An old checkpoint, signed by the old key in its period, still counts as evidence.
      const forged = checkpoint(2n, 6, { rootHash: keccak256(stringToHex('other root')) })
      await registry.write.reportEquivocation([
        await signed(signer, checkpoint(2n, 6)),
        await signed(signer, forged),
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

      it('reverts with CheckpointEpochNotAfterHead for epoch 0, and an epoch at or below the head not anchored here', async () => {
        const { viem, registry, logId, checkpoint, anchor } = await load()
        await viem.assertions.revertWithCustomErrorWithArgs(
          anchor(checkpoint(0n, 1), null),
          registry,
          'CheckpointEpochNotAfterHead',
          [logId, 0n, 0n],
        )
        // A chain may start at any epoch (it takes every k-th checkpoint, say).
        await anchor(checkpoint(3n, 2), null)
        for (const epoch of [0n, 1n, 2n]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            anchor(checkpoint(epoch, 1), null),
            registry,
            'CheckpointEpochNotAfterHead',
            [logId, 3n, epoch],
          )
        }
      })

      it('reverts with CheckpointRootConflict for another root, size or time of an anchored epoch', async () => {
        const { viem, registry, logId, checkpoint, anchor } = await load()
        await anchor(checkpoint(1n, 5), null)
        await anchor(checkpoint(2n, 8), 5)
        for (const conflicting of [
          checkpoint(1n, 6),
          checkpoint(1n, 5, { timestamp: 1n }),
          checkpoint(2n, 8, { rootHash: rootAt(TREE, 9) }),
        ]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            anchor(conflicting, null),
            registry,
            'CheckpointRootConflict',
            [
              logId,
              conflicting.epoch,
              structHashOf(checkpoint(conflicting.epoch, conflicting.epoch === 1n ? 5 : 8)),
              structHashOf(conflicting),
            ],
          )
        }
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

      it("reverts with CheckpointSignerNotInHistory for a key that is not the log's, and CheckpointSignedOutsidePeriod outside its period", async () => {
        const { viem, registry, logId, checkpoint, accounts } = await load()
        const a = checkpoint(2n, 6)
        const b = checkpoint(2n, 7)
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([
            await signed(accounts.signer, a),
            await signed(accounts.other, b),
          ]),
          registry,
          'CheckpointSignerNotInHistory',
          [logId, 2n, accounts.other.account.address],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([
            await signed(accounts.signer, a),
            { checkpoint: b, signature: slice(await signCheckpoint(accounts.signer, b), 0, 64) },
          ]),
          registry,
          'CheckpointSignerNotInHistory',
          [logId, 2n, zeroAddress],
        )
        // Epoch 0 is before period 0 (from epoch 1): reportOutOfPeriod is the way to report it.
        const zero = checkpoint(0n, 6)
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportEquivocation([
            await signed(accounts.signer, zero),
            await signed(accounts.signer, b),
          ]),
          registry,
          'CheckpointSignedOutsidePeriod',
          [logId, 0n, accounts.signer.account.address, 0n],
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

  describe('rotateKeys', () => {
    it('default: a statement signed by the current key opens the next key period; anyone may relay it', async () => {
      const { viem, registry, logId, accounts, rotation } = await load()
      const { signer, newSigner, stranger } = accounts
      const statement = rotation(1n, 10n, newSigner)
      await viem.assertions.emitWithArgs(
        registry.write.rotateKeys([statement, await signKeyRotation(signer, statement)], {
          account: stranger.account,
        }),
        registry,
        'KeysRotated',
        [logId, 1n, 10n, newSigner.account.address, statement.receiptKey],
      )
      expect(await registry.read.keyPeriodCount([logId])).to.equal(2n)
      const first = await registry.read.keyPeriodAt([logId, 0n])
      expect([first.signer.toLowerCase(), first.receiptKey, first.fromEpoch]).to.deep.equal([
        signer.account.address,
        RECEIPT_KEY,
        1n,
      ])
      const second = await registry.read.keyPeriodAt([logId, 1n])
      expect([second.signer.toLowerCase(), second.receiptKey, second.fromEpoch]).to.deep.equal([
        newSigner.account.address,
        statement.receiptKey,
        10n,
      ])
      expect(await registry.read.periodOf([logId, newSigner.account.address])).to.deep.equal([
        true,
        1n,
      ])
      expect(await registry.read.periodOf([logId, signer.account.address])).to.deep.equal([
        true,
        0n,
      ])
      expect(await registry.read.periodOf([logId, stranger.account.address])).to.deep.equal([
        false,
        0n,
      ])
    })

    it('behavior: signerAt and keysAt find the period of any epoch among many (binary search)', async () => {
      const { registry, logId, accounts, rotation, rotate } = await load()
      const starts = [1n, 3n, 4n, 10n, 11n, 50n, 51n, 1000n]
      const keys: TestSigner[] = [accounts.signer]
      for (let i = 1; i < starts.length; i++) {
        const next = privateKeyToAccount(keccak256(stringToHex(`period key ${i}`)))
        await rotate(rotation(BigInt(i), starts[i] as bigint, next), keys[i - 1] as TestSigner)
        keys.push(next)
      }
      const expected = (epoch: bigint) => {
        let index = -1
        starts.forEach((from, i) => {
          if (from <= epoch) index = i
        })
        return index
      }
      for (const epoch of [0n, 1n, 2n, 3n, 4n, 9n, 10n, 11n, 49n, 50n, 51n, 999n, 1000n, 5000n]) {
        const index = expected(epoch)
        const [key, , periodIndex] = await registry.read.keysAt([logId, epoch])
        const signerAt = await registry.read.signerAt([logId, epoch])
        if (index < 0) {
          expect([key, signerAt]).to.deep.equal([zeroAddress, zeroAddress])
          continue
        }
        const want = (keys[index] as { address?: Hex; account?: { address: Hex } }).address
        const address = (want ?? accounts.signer.account.address).toLowerCase()
        expect(key.toLowerCase()).to.equal(address)
        expect(signerAt.toLowerCase()).to.equal(address)
        expect(periodIndex).to.equal(BigInt(index))
      }
    })

    describe('errors', () => {
      it('reverts with the error that names each bad statement', async () => {
        const { viem, registry, logId, accounts, rotation, rotate } = await load()
        const { signer, newSigner, other } = accounts
        const cases: [ReturnType<typeof rotation>, TestSigner, string, unknown[]][] = [
          [rotation(2n, 5n, newSigner), signer, 'CheckpointRotationIndexNotNext', [logId, 1n, 2n]],
          [rotation(0n, 5n, newSigner), signer, 'CheckpointRotationIndexNotNext', [logId, 1n, 0n]],
          [
            rotation(1n, 5n, newSigner),
            other,
            'CheckpointRotationInvalidSignature',
            [logId, 1n, signer.account.address],
          ],
          [
            rotation(1n, 5n, newSigner),
            newSigner,
            'CheckpointRotationInvalidSignature',
            [logId, 1n, signer.account.address],
          ],
          [
            rotation(1n, 5n, newSigner, { signer: zeroAddress }),
            signer,
            'CheckpointInvalidSigner',
            [zeroAddress],
          ],
          [
            rotation(1n, 5n, newSigner, { receiptKey: zeroHash }),
            signer,
            'CheckpointZeroReceiptKey',
            [logId],
          ],
          [
            rotation(1n, 5n, signer),
            signer,
            'CheckpointSignerReused',
            [logId, signer.account.address, 0n],
          ],
          [
            rotation(1n, 1n, newSigner),
            signer,
            'CheckpointRotationEpochNotIncreasing',
            [logId, 1n, 1n],
          ],
          [
            rotation(1n, 5n, newSigner, { logId: keccak256(stringToHex('nobody')) }),
            signer,
            'CheckpointUnknownLog',
            [keccak256(stringToHex('nobody'))],
          ],
        ]
        for (const [statement, by, error, args] of cases) {
          await revertsWith(viem.assertions, rotate(statement, by), registry, error, args)
        }
        // A key serves one period: going back to an earlier key is refused too.
        await rotate(rotation(1n, 5n, newSigner), signer)
        await viem.assertions.revertWithCustomErrorWithArgs(
          rotate(rotation(2n, 9n, signer), newSigner),
          registry,
          'CheckpointSignerReused',
          [logId, signer.account.address, 0n],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          rotate(rotation(2n, 5n, other), newSigner),
          registry,
          'CheckpointRotationEpochNotIncreasing',
          [logId, 5n, 5n],
        )
      })

      it('reverts with CheckpointLogRetired and CheckpointLogCompromised', async () => {
        const { viem, lantern, registry, logId, accounts, rotation, rotate } = await load()
        await lantern.write.retireLog([logId], { account: accounts.operator.account })
        await viem.assertions.revertWithCustomErrorWithArgs(
          rotate(rotation(1n, 5n, accounts.newSigner), accounts.signer),
          registry,
          'CheckpointLogRetired',
          [logId],
        )
        const other = await load()
        const a = other.checkpoint(1n, 2)
        const b = other.checkpoint(1n, 3)
        await other.registry.write.reportEquivocation([
          await signed(other.accounts.signer, a),
          await signed(other.accounts.signer, b),
        ])
        await viem.assertions.revertWithCustomErrorWithArgs(
          other.rotate(other.rotation(1n, 5n, other.accounts.newSigner), other.accounts.signer),
          other.registry,
          'CheckpointLogCompromised',
          [other.logId],
        )
      })
    })
  })

  describe('reportOutOfPeriod', () => {
    it('default: the old key signing at or after its handover, or the new key before its period, is proof', async () => {
      const { viem, registry, logId, checkpoint, accounts, rotation, rotate } = await load()
      const { signer, newSigner, stranger } = accounts
      await rotate(rotation(1n, 5n, newSigner), signer)
      await viem.assertions.emitWithArgs(
        registry.write.reportOutOfPeriod([await signed(signer, checkpoint(7n, 9))], {
          account: stranger.account,
        }),
        registry,
        'EquivocationReported',
        [logId, stranger.account.address, Kind.SignedOutsidePeriod, 7n, 5n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)

      const again = await load()
      await again.rotate(again.rotation(1n, 5n, again.accounts.newSigner), again.accounts.signer)
      await viem.assertions.emitWithArgs(
        again.registry.write.reportOutOfPeriod([
          await signed(again.accounts.newSigner, again.checkpoint(4n, 9)),
        ]),
        again.registry,
        'EquivocationReported',
        [again.logId, anyValue, Kind.SignedOutsidePeriod, 4n, 5n],
      )
    })

    describe('errors', () => {
      it('reverts with CheckpointEquivocationNotProven inside the period, CheckpointSignerNotInHistory for a stranger key', async () => {
        const { viem, registry, logId, checkpoint, accounts, rotation, rotate } = await load()
        await rotate(rotation(1n, 5n, accounts.newSigner), accounts.signer)
        for (const [by, epoch] of [
          [accounts.signer, 1n],
          [accounts.signer, 4n],
          [accounts.newSigner, 5n],
          [accounts.newSigner, 500n],
        ] as const) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            registry.write.reportOutOfPeriod([await signed(by, checkpoint(epoch, 3))]),
            registry,
            'CheckpointEquivocationNotProven',
            [logId, epoch, epoch],
          )
        }
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportOutOfPeriod([await signed(accounts.other, checkpoint(9n, 3))]),
          registry,
          'CheckpointSignerNotInHistory',
          [logId, 9n, accounts.other.account.address],
        )
        const unknown = keccak256(stringToHex('nobody'))
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportOutOfPeriod([
            await signed(accounts.signer, checkpoint(9n, 3, { logId: unknown })),
          ]),
          registry,
          'CheckpointUnknownLog',
          [unknown],
        )
      })
    })
  })

  describe('reportKeyFork', () => {
    it('default: two different statements for one key period, both signed by the key before it, are proof', async () => {
      const { viem, registry, logId, accounts, rotation } = await load()
      const { signer, newSigner, other, stranger } = accounts
      const toB = rotation(1n, 5n, newSigner)
      const toC = rotation(1n, 5n, other)
      await viem.assertions.emitWithArgs(
        registry.write.reportKeyFork(
          [toB, await signKeyRotation(signer, toB), toC, await signKeyRotation(signer, toC)],
          { account: stranger.account },
        ),
        registry,
        'EquivocationReported',
        [logId, stranger.account.address, Kind.KeyFork, 5n, 5n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })

    describe('errors', () => {
      it('reverts with the error that names each bad pair', async () => {
        const { viem, registry, logId, accounts, rotation } = await load()
        const { signer, newSigner, other } = accounts
        const sign = (r: ReturnType<typeof rotation>, by: TestSigner = signer) =>
          signKeyRotation(by, r)
        const toB = rotation(1n, 5n, newSigner)
        const cases: [
          ReturnType<typeof rotation>,
          Hex,
          ReturnType<typeof rotation>,
          Hex,
          string,
          unknown[],
        ][] = [
          [
            toB,
            await sign(toB),
            toB,
            await sign(toB),
            'CheckpointEquivocationNotProven',
            [logId, 5n, 5n],
          ],
          [
            toB,
            await sign(toB),
            rotation(2n, 6n, other),
            await sign(rotation(2n, 6n, other)),
            'CheckpointKeyForkIndexMismatch',
            [logId, 1n, 2n],
          ],
          [
            rotation(0n, 5n, newSigner),
            await sign(rotation(0n, 5n, newSigner)),
            rotation(0n, 5n, other),
            await sign(rotation(0n, 5n, other)),
            'CheckpointRotationIndexOutOfRange',
            [logId, 0n, 1n],
          ],
          [
            rotation(2n, 5n, newSigner),
            await sign(rotation(2n, 5n, newSigner)),
            rotation(2n, 5n, other),
            await sign(rotation(2n, 5n, other)),
            'CheckpointRotationIndexOutOfRange',
            [logId, 2n, 1n],
          ],
          [
            toB,
            await sign(toB),
            rotation(1n, 5n, other),
            await sign(rotation(1n, 5n, other), other),
            'CheckpointRotationInvalidSignature',
            [logId, 1n, signer.account.address],
          ],
          [
            toB,
            await sign(toB),
            rotation(1n, 5n, other, { logId: keccak256(stringToHex('x')) }),
            await sign(rotation(1n, 5n, other, { logId: keccak256(stringToHex('x')) })),
            'CheckpointEquivocationLogMismatch',
            [logId, keccak256(stringToHex('x'))],
          ],
        ]
        for (const [a, sigA, b, sigB, error, args] of cases) {
          await revertsWith(
            viem.assertions,
            registry.write.reportKeyFork([a, sigA, b, sigB]),
            registry,
            error,
            args,
          )
        }
      })
    })
  })

  describe('verifyInclusion', () => {
    it('default: proves a leaf of an anchored checkpoint; false for a stranger leaf, a wrong size, or a checkpoint not anchored', async () => {
      const { registry, checkpoint, anchor } = await load()
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
              checkpoint(epoch, treeSize),
              BigInt(leafIndex),
              leafHash,
              proof,
            ]),
          ).to.equal(true)
        }
      }
      const proof = await TREE.inclusionProof(3, 20)
      const leaf3 = TREE.leafHashes[3] as Hex
      expect(
        await registry.read.verifyInclusion([
          checkpoint(1n, 20),
          3n,
          TREE.leafHashes[4] as Hex,
          proof,
        ]),
      ).to.equal(false)
      // The tree of 20 leaves exists, but epoch 3 did not anchor it, and epoch 1 did not anchor it at another time.
      expect(await registry.read.verifyInclusion([checkpoint(3n, 20), 3n, leaf3, proof])).to.equal(
        false,
      )
      expect(
        await registry.read.verifyInclusion([
          checkpoint(1n, 20, { timestamp: 5n }),
          3n,
          leaf3,
          proof,
        ]),
      ).to.equal(false)
    })
  })

  describe('configuration (LanternRegistry only)', () => {
    it('reverts with CheckpointUnauthorizedCaller for registerLog and retireLog from anyone else', async () => {
      const { viem, registry, logId, accounts } = await load()
      const caller = accounts.operator
      const calls = [
        () =>
          registry.write.registerLog(
            [keccak256(stringToHex('x')), caller.account.address, RECEIPT_KEY, MAX_EPOCH_INTERVAL],
            { account: caller.account },
          ),
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

    it('reverts with CheckpointLogExists, CheckpointInvalidSigner, CheckpointZeroReceiptKey and CheckpointZeroEpochInterval', async () => {
      const { viem, accounts } = await load()
      // A registry whose "lantern" is a plain account, to call the configuration functions directly.
      const direct = await viem.deployContract('CheckpointRegistry', [
        accounts.admin.account.address,
      ])
      const id = keccak256(stringToHex('direct'))
      expect((await direct.read.lantern()).toLowerCase()).to.equal(accounts.admin.account.address)
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.registerLog([id, zeroAddress, RECEIPT_KEY, MAX_EPOCH_INTERVAL]),
        direct,
        'CheckpointInvalidSigner',
        [zeroAddress],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.registerLog([
          id,
          accounts.signer.account.address,
          zeroHash,
          MAX_EPOCH_INTERVAL,
        ]),
        direct,
        'CheckpointZeroReceiptKey',
        [id],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.registerLog([id, accounts.signer.account.address, RECEIPT_KEY, 0n]),
        direct,
        'CheckpointZeroEpochInterval',
        [id],
      )
      await direct.write.registerLog([
        id,
        accounts.signer.account.address,
        RECEIPT_KEY,
        MAX_EPOCH_INTERVAL,
      ])
      expect(await direct.read.logStatus([id])).to.equal(LogStatus.Active)
      expect(await direct.read.keyPeriodCount([id])).to.equal(1n)
      expect(await direct.read.maxEpochIntervalOf([id])).to.equal(MAX_EPOCH_INTERVAL)
      await viem.assertions.revertWithCustomErrorWithArgs(
        direct.write.registerLog([
          id,
          accounts.signer.account.address,
          RECEIPT_KEY,
          MAX_EPOCH_INTERVAL,
        ]),
        direct,
        'CheckpointLogExists',
        [id],
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
    })
  })
})
