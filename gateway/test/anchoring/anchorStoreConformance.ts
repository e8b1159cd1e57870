// The behaviour every AnchorStore gives (see src/anchoring/AnchorStore.ts), as one suite that the
// SQLite and the PostgreSQL test files run against their store.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  buildConsistencyProof,
  buildInclusionProof,
  bytesToHex,
  CompactTree,
  type Hex,
  hashLeaf,
  utf8ToBytes,
  verifyConsistency,
  verifyInclusion,
} from '@tml/core'
import type {
  AnchorRecord,
  AnchorStore,
  CheckpointIntent,
  StoredCheckpoint,
} from '../../src/anchoring/AnchorStore.ts'
import { AnchorStoreError } from '../../src/anchoring/AnchorStoreError.ts'

/** How the suite gets stores: a fresh empty one, and a second one on the same data. */
export type AnchorStoreFactory = {
  /** A new store on new, empty data. */
  fresh(): Promise<AnchorStore>
  /** Another store (its own connection) on the data of `store`. */
  reopen(store: AnchorStore): Promise<AnchorStore>
}

const REGISTRY: Hex = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

function root(i: number): Hex {
  return bytesToHex(hashLeaf(utf8ToBytes(`root ${i}`)))
}

function sig(i: number): Hex {
  return `0x${i.toString(16).padStart(2, '0').repeat(65)}`
}

function intent(epoch: number, treeSize = epoch * 10): CheckpointIntent {
  return { epoch, treeSize, rootHash: root(epoch), timestamp: 1_700_000_000 + epoch }
}

function signed(epoch: number, treeSize = epoch * 10): StoredCheckpoint {
  return { ...intent(epoch, treeSize), signature: sig(epoch), createdMs: 1_700_000_000_000 + epoch }
}

function anchorRecord(epoch: number, over: Partial<AnchorRecord> = {}): AnchorRecord {
  return {
    epoch,
    chainId: 31337,
    registry: REGISTRY,
    status: 'pending',
    txHash: null,
    nonce: null,
    blockNumber: null,
    confirmations: 0,
    attempts: 0,
    lastError: null,
    updatedMs: 1_000 + epoch,
    ...over,
  }
}

// The perfect-subtree nodes of a tree of `n` leaves, as the sequencer stores them.
function treeNodes(n: number) {
  const nodes: { level: number; index: number; hash: Uint8Array }[] = []
  const tree = CompactTree.fromState({
    size: 0,
    hashes: [],
    onNode: (level, index, hash) => nodes.push({ level, index, hash }),
  })
  const leaves: Uint8Array[] = []
  const roots: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const leaf = hashLeaf(utf8ToBytes(`mtl ${i}`))
    leaves.push(leaf)
    tree.append(leaf)
    roots.push(tree.root())
  }
  return { nodes, leaves, roots }
}

/**
 * Runs the AnchorStore behaviour tests against the stores `factory` opens.
 *
 * @example
 * describeAnchorStore('SqliteAnchorStore', { fresh: async () => SqliteAnchorStore.open({ path }), reopen })
 */
export function describeAnchorStore(name: string, factory: AnchorStoreFactory): void {
  describe(`${name} (AnchorStore behaviour)`, () => {
    const withStore = (fn: (store: AnchorStore) => Promise<void>) => async () => {
      const store = await factory.fresh()
      try {
        await fn(store)
      } finally {
        await store.close()
      }
    }

    test(
      'an empty store holds nothing',
      withStore(async (store) => {
        assert.equal(await store.treeSize(), 0)
        assert.equal(await store.intent(), undefined)
        assert.equal(await store.latestCheckpoint(), undefined)
        assert.equal(await store.checkpoint(1), undefined)
        assert.deepEqual(await store.checkpoints(1, 10), [])
        assert.equal(await store.firstCheckpointHolding(0), undefined)
        assert.deepEqual(await store.anchors(31337, REGISTRY), [])
        assert.deepEqual(await store.anchorsOf(1), [])
        assert.deepEqual(await store.pendingOts(), [])
        assert.deepEqual(await store.receiptHandovers(), [])
        assert.deepEqual(await store.getNodes([]), [])
      }),
    )

    test(
      'nodes: stored in batches, read in the order asked (duplicates too), tree size from the leaves',
      withStore(async (store) => {
        const { nodes } = treeNodes(13)
        await store.putNodes(nodes.slice(0, 10))
        await store.putNodes(nodes.slice(5)) // overlapping: the same nodes again are ignored
        assert.equal(await store.treeSize(), 13)
        const ids = [
          { level: 2, index: 1 },
          { level: 0, index: 12 },
          { level: 2, index: 1 },
          { level: 3, index: 0 },
        ]
        const byId = new Map(nodes.map((n) => [`${n.level}/${n.index}`, n.hash]))
        assert.deepEqual(
          await store.getNodes(ids),
          ids.map((id) => byId.get(`${id.level}/${id.index}`)),
        )
        const missing = store.getNodes([
          { level: 0, index: 0 },
          { level: 0, index: 13 },
        ])
        await assert.rejects(missing, (e: unknown) => {
          assert.ok(e instanceof AnchorStoreError)
          assert.match(e.message, /Node \(0, 13\) is not stored/)
          return true
        })
      }),
    )

    test(
      'nodes: a batch with one bad node writes none of them',
      withStore(async (store) => {
        const { nodes } = treeNodes(4)
        const bad = [...nodes.slice(0, 3), { level: 0, index: 3, hash: new Uint8Array(31) }]
        await assert.rejects(store.putNodes(bad))
        assert.equal(await store.treeSize(), 0)
        await assert.rejects(store.getNodes([{ level: 0, index: 0 }]), AnchorStoreError)
      }),
    )

    test(
      'proofs: core builds inclusion and consistency proofs from the stored nodes',
      withStore(async (store) => {
        const n = 37
        const { nodes, leaves, roots } = treeNodes(n)
        await store.putNodes(nodes)
        for (const [leafIndex, treeSize] of [
          [0, 1],
          [5, 8],
          [36, 37],
          [20, 33],
        ] as const) {
          const proof = await buildInclusionProof({ leafIndex, treeSize, store })
          assert.ok(
            verifyInclusion({
              leafIndex,
              treeSize,
              leafHash: leaves[leafIndex] as Uint8Array,
              proof,
              root: roots[treeSize - 1] as Uint8Array,
            }),
            `inclusion of ${leafIndex} in ${treeSize}`,
          )
        }
        const proof = await buildConsistencyProof({ size1: 11, size2: 37, store })
        assert.ok(
          verifyConsistency({
            size1: 11,
            size2: 37,
            root1: roots[10] as Uint8Array,
            root2: roots[36] as Uint8Array,
            proof,
          }),
        )
      }),
    )

    test(
      'intent: kept until its checkpoint is stored; the same again is a no-op, another is refused',
      withStore(async (store) => {
        await store.putIntent(intent(1))
        await store.putIntent(intent(1))
        assert.deepEqual(await store.intent(), intent(1))
        await assert.rejects(store.putIntent(intent(1, 11)), AnchorStoreError)
        await assert.rejects(
          store.putIntent({ ...intent(1), rootHash: root(99) }),
          /Epoch 1 already has another intent/,
        )
        assert.deepEqual(await store.intent(), intent(1))
        await store.putCheckpoint(signed(1))
        assert.equal(await store.intent(), undefined)
        assert.deepEqual(await store.checkpoint(1), signed(1))
        // Signed: no intent for that epoch any more, not even the same one.
        await assert.rejects(store.putIntent(intent(1)), /Epoch 1 is already signed/)
        await assert.rejects(store.putIntent(intent(1, 12)), AnchorStoreError)
        assert.equal(await store.intent(), undefined)
      }),
    )

    test(
      'checkpoint: write-once per epoch, and only the checkpoint its intent committed to',
      withStore(async (store) => {
        await store.putCheckpoint(signed(1)) // without an intent (a restore, a test)
        await store.putCheckpoint(signed(1)) // the same again: a no-op
        await assert.rejects(store.putCheckpoint({ ...signed(1), rootHash: root(7) }), {
          name: 'AnchorStoreError',
          message: /Epoch 1 already holds another checkpoint/,
        })
        await assert.rejects(
          store.putCheckpoint({ ...signed(1), signature: sig(9) }),
          AnchorStoreError,
        )
        await assert.rejects(store.putCheckpoint({ ...signed(1), treeSize: 99 }), AnchorStoreError)
        await store.putIntent(intent(2))
        await assert.rejects(store.putCheckpoint(signed(2, 21)), AnchorStoreError)
        assert.deepEqual(await store.intent(), intent(2), 'the intent stands')
        assert.equal(await store.checkpoint(2), undefined)
        await store.putCheckpoint(signed(2))
        assert.deepEqual(await store.checkpoint(1), signed(1))
        assert.deepEqual(await store.checkpoint(2), signed(2))
      }),
    )

    test(
      'checkpoints: latest, pages from an epoch, the first holding a leaf',
      withStore(async (store) => {
        for (let e = 1; e <= 5; e++) await store.putCheckpoint(signed(e))
        assert.deepEqual(await store.latestCheckpoint(), signed(5))
        assert.deepEqual(
          (await store.checkpoints(2, 2)).map((c) => c.epoch),
          [2, 3],
        )
        assert.deepEqual(
          (await store.checkpoints(4, 100)).map((c) => c.epoch),
          [4, 5],
        )
        assert.deepEqual(await store.checkpoints(6, 10), [])
        assert.equal((await store.firstCheckpointHolding(0))?.epoch, 1) // tree size 10
        assert.equal((await store.firstCheckpointHolding(9))?.epoch, 1)
        assert.equal((await store.firstCheckpointHolding(10))?.epoch, 2)
        assert.equal((await store.firstCheckpointHolding(49))?.epoch, 5)
        assert.equal(await store.firstCheckpointHolding(50), undefined)
      }),
    )

    test(
      'anchors: state per epoch and chain, replaced in place, registry in any case',
      withStore(async (store) => {
        for (let e = 1; e <= 3; e++) await store.putCheckpoint(signed(e))
        await store.putAnchor(anchorRecord(2))
        await store.putAnchor(anchorRecord(1, { chainId: 80002 }))
        await store.putAnchor(anchorRecord(1))
        const sent = anchorRecord(2, {
          status: 'sent',
          txHash: `0x${'cd'.repeat(32)}`,
          nonce: 7,
          attempts: 1,
          lastError: 'replaced: fee too low',
          updatedMs: 5_000,
        })
        await store.putAnchor(sent)
        const lower = REGISTRY.toLowerCase() as Hex
        assert.deepEqual(await store.anchor(2, 31337, REGISTRY), { ...sent, registry: lower })
        assert.deepEqual(
          await store.anchor(2, 31337, REGISTRY.toUpperCase().replace('0X', '0x') as Hex),
          { ...sent, registry: lower },
        )
        assert.equal(await store.anchor(3, 31337, REGISTRY), undefined)
        const confirmed = {
          ...sent,
          status: 'confirmed' as const,
          blockNumber: 12_345_678_901,
          confirmations: 12,
        }
        await store.putAnchor(confirmed)
        assert.deepEqual(
          (await store.anchors(31337, REGISTRY)).map((a) => [a.epoch, a.status]),
          [
            [1, 'pending'],
            [2, 'confirmed'],
          ],
        )
        assert.equal((await store.anchor(2, 31337, REGISTRY))?.blockNumber, 12_345_678_901)
        assert.deepEqual(
          (await store.anchorsOf(1)).map((a) => a.chainId),
          [31337, 80002],
        )
      }),
    )

    test(
      'OpenTimestamps: one proof per epoch and calendar, upgraded in place, pending until complete',
      withStore(async (store) => {
        for (let e = 1; e <= 2; e++) await store.putCheckpoint(signed(e))
        const a = {
          epoch: 1,
          calendar: 'https://a.example',
          ots: new Uint8Array([1, 2, 3]),
          complete: false,
          updatedMs: 1,
        }
        const b = { ...a, calendar: 'https://b.example', ots: new Uint8Array([4]) }
        const c = { ...a, epoch: 2, ots: new Uint8Array([5]) }
        await store.putOts(b)
        await store.putOts(a)
        await store.putOts(c)
        assert.deepEqual(await store.otsOf(1), [a, b])
        assert.deepEqual(await store.pendingOts(), [a, b, c])
        const upgraded = {
          ...a,
          ots: new Uint8Array([1, 2, 3, 9, 9]),
          complete: true,
          updatedMs: 2,
        }
        await store.putOts(upgraded)
        assert.deepEqual(await store.otsOf(1), [upgraded, b])
        assert.deepEqual(await store.pendingOts(), [b, c])
      }),
    )

    test(
      'receipt handovers: kept in order; a period again or out of order is refused',
      withStore(async (store) => {
        await store.putReceiptHandover({ period: 1, fromSeq: 100, epoch: 4 })
        await store.putReceiptHandover({ period: 3, fromSeq: 100, epoch: 9 })
        for (const h of [
          { period: 3, fromSeq: 200, epoch: 12 },
          { period: 2, fromSeq: 300, epoch: 12 },
          { period: 4, fromSeq: 99, epoch: 12 },
          { period: 4, fromSeq: 300, epoch: 9 },
        ])
          await assert.rejects(store.putReceiptHandover(h), AnchorStoreError)
        assert.deepEqual(await store.receiptHandovers(), [
          { period: 1, fromSeq: 100, epoch: 4 },
          { period: 3, fromSeq: 100, epoch: 9 },
        ])
      }),
    )

    test('durable: another connection sees every resolved write, and the rules still hold', async () => {
      const store = await factory.fresh()
      const { nodes } = treeNodes(6)
      await store.putNodes(nodes)
      await store.putCheckpoint(signed(1, 6))
      await store.putIntent(intent(2, 6))
      await store.putAnchor(anchorRecord(1, { status: 'confirmed' }))
      await store.putReceiptHandover({ period: 1, fromSeq: 6, epoch: 1 })
      const other = await factory.reopen(store)
      try {
        assert.equal(await other.treeSize(), 6)
        assert.deepEqual(await other.latestCheckpoint(), signed(1, 6))
        assert.deepEqual(await other.intent(), intent(2, 6))
        assert.equal((await other.anchor(1, 31337, REGISTRY))?.status, 'confirmed')
        assert.deepEqual(await other.receiptHandovers(), [{ period: 1, fromSeq: 6, epoch: 1 }])
        await assert.rejects(other.putIntent(intent(2, 7)), AnchorStoreError)
        await assert.rejects(other.putCheckpoint(signed(1, 7)), AnchorStoreError)
      } finally {
        await other.close()
        await store.close()
      }
    })
  })
}
