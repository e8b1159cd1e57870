import type { CheckpointJson } from '@tml/core'
import { describe, expect, test } from 'vitest'
import { pendingOts } from '../../e2e/support/ots.ts'
import { describeOts } from '../../src/verify/describeOts.ts'

const root = `0x${'ab'.repeat(32)}` as const
const checkpoint: CheckpointJson = {
  logId: `0x${'01'.repeat(32)}` as const,
  epoch: 3,
  treeSize: 5,
  rootHash: root,
  timestamp: 1,
}

describe('describeOts', () => {
  test('default: a proof of the checkpoint root, pending at its calendar', () => {
    const { step, summary } = describeOts(
      pendingOts(root, 'https://a.calendar.example'),
      checkpoint,
    )
    expect(step).toEqual({
      id: 'ots',
      title: 'OpenTimestamps: the checkpoint root in Bitcoin',
      status: 'info',
      reason:
        "timestamps the checkpoint's root hash; pending at https://a.calendar.example: not in a Bitcoin block yet",
    })
    expect(summary?.digest).toBe(root)
  })

  test('behavior: a proof that reached Bitcoin names the block height it claims', () => {
    const { step } = describeOts(pendingOts(root, 'https://a.calendar.example', 873_456), {
      ...checkpoint,
      rootHash: `0x${root.slice(2).toUpperCase()}`,
    })
    expect(step.status).toBe('info')
    expect(step.reason).toMatch(
      /^timestamps the checkpoint's root hash; claims Bitcoin block 873456/,
    )
  })

  describe('errors', () => {
    test('a proof of another digest fails the line with expected vs found', () => {
      const other = `0x${'cd'.repeat(32)}`
      const { step } = describeOts(pendingOts(other, 'https://a.calendar.example'), checkpoint)
      expect(step.status).toBe('failed')
      expect(step.reason).toBe(
        `the proof timestamps another digest than the checkpoint's root hash: expected ${root}, found ${other}`,
      )
    })

    test('no proof, an unreadable proof, no checkpoint to compare with', () => {
      expect(describeOts(undefined, checkpoint).step).toMatchObject({ status: 'info' })
      expect(describeOts('aGVsbG8gd29ybGQhISE=', checkpoint).step).toMatchObject({
        status: 'warn',
        reason: 'the OpenTimestamps proof cannot be read: not an OpenTimestamps proof',
      })
      expect(describeOts(pendingOts(root, 'https://c.example'), undefined).step.status).toBe('warn')
    })
  })
})
