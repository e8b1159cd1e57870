// A new custodian declaration reaches the epoch keys from the next epoch on: the open epoch keeps
// the custodians its key was wrapped to, and a next key already prepared for the old ones (never
// used) is dropped.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Hex } from '@tml/core'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { EpochKeyRing } from '../../src/vault/EpochKeyRing.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import type { StoredEpochKey } from '../../src/vault/VaultStore.ts'
import { eventually } from '../e2e/anchoredGateway.ts'

const LOG_ID = `0x${'ab'.repeat(32)}` as Hex

async function setOf(n: number, threshold: number) {
  const keys = await Promise.all(Array.from({ length: n }, () => generateVaultKeyPair()))
  return parseCustodians(
    keys.map((k, i) => `c${i}=${k.publicKey}`),
    threshold,
  )
}

function memorySink() {
  const stored: StoredEpochKey[] = []
  return {
    stored,
    lastEpoch: async () => stored.reduce((max, k) => Math.max(max, k.epoch), 0),
    putEpoch: async (key: StoredEpochKey) => {
      stored.push(key)
    },
  }
}

describe('EpochKeyRing.setCustodians', () => {
  it('behavior: the open epoch keeps its custodians; the next one opened is wrapped to the new set', async () => {
    const [a, b] = [await setOf(3, 2), await setOf(2, 2)]
    const sink = memorySink()
    const ring = new EpochKeyRing({ logId: LOG_ID, set: a, periodMs: 3_600_000, store: sink })
    try {
      await ring.start()
      await eventually(() => (sink.stored.length === 2 ? true : undefined), 10_000, 'epoch 2')
      ring.setCustodians(b)
      // Still epoch 1, under set a.
      assert.equal(ring.current().epoch, 1)
      assert.equal(ring.custodians, a)
      // Epoch 2 was prepared for set a and never used: a fresh key for set b takes its place.
      await eventually(() => (sink.stored.length === 3 ? true : undefined), 10_000, 'epoch 3')
      assert.equal(ring.rotate(), true)
      assert.equal(ring.current().epoch, 3)
      assert.equal(ring.custodians, b)
      const byEpoch = new Map(sink.stored.map((k) => [k.epoch, k]))
      assert.deepEqual(
        byEpoch.get(3)?.shares.map((s) => s.publicKey),
        b.custodians.map((c) => c.publicKey),
      )
      assert.deepEqual(
        byEpoch.get(1)?.shares.map((s) => s.publicKey),
        a.custodians.map((c) => c.publicKey),
      )
    } finally {
      ring.close()
    }
  })

  it('behavior: a declaration while the next key is being prepared still reaches the next epoch', async () => {
    const [a, b] = [await setOf(2, 1), await setOf(3, 3)]
    const sink = memorySink()
    const ring = new EpochKeyRing({ logId: LOG_ID, set: a, periodMs: 3_600_000, store: sink })
    try {
      await ring.start()
      // start() returned with epoch 2's preparation (for set a) under way.
      ring.setCustodians(b)
      await eventually(
        () => (sink.stored.some((k) => k.threshold === 3) ? true : undefined),
        10_000,
        'a key for set b',
      )
      await eventually(() => (ring.rotate() ? true : undefined), 10_000, 'the next epoch')
      assert.equal(ring.custodians, b)
      assert.equal(ring.current().epoch, Math.max(...sink.stored.map((k) => k.epoch)))
    } finally {
      ring.close()
    }
  })
})
