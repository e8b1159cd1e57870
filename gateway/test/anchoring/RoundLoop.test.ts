import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { RoundLoop } from '../../src/anchoring/RoundLoop.ts'

describe('RoundLoop', () => {
  test('runs rounds one at a time, each after the pause the last one asked for', async () => {
    const starts: number[] = []
    let concurrent = 0
    let most = 0
    const loop = new RoundLoop({
      round: async () => {
        starts.push(Date.now())
        concurrent++
        most = Math.max(most, concurrent)
        await sleep(5)
        concurrent--
        return { delayMs: starts.length < 3 ? 0 : 40 }
      },
      onError: () => ({ delayMs: 0 }),
    })
    assert.equal(loop.stopped, true)
    loop.start()
    loop.start() // a second start changes nothing
    await sleep(30)
    loop.poke() // while a round runs or the pause is on: at most one round at a time
    loop.poke()
    await sleep(100)
    await loop.stop()
    assert.equal(most, 1)
    assert.ok(starts.length >= 4, `${starts.length} rounds`)
    const count = starts.length
    await sleep(60)
    assert.equal(starts.length, count, 'no round after stop')
  })

  test('a poke ends the pause; a throwing round is followed after the pause onError gives', async () => {
    let rounds = 0
    const errors: unknown[] = []
    const loop = new RoundLoop({
      round: async () => {
        rounds++
        if (rounds === 2) throw new Error('node down')
        return { delayMs: 10_000 }
      },
      onError: (error) => {
        errors.push(error)
        return { delayMs: 5 }
      },
    })
    loop.start()
    await sleep(20)
    assert.equal(rounds, 1)
    loop.poke()
    await sleep(40)
    assert.equal(rounds, 3)
    assert.match(String(errors[0]), /node down/)
    await loop.stop()
  })

  test('stop waits for the round in flight, at most the grace', async () => {
    let finished = false
    const loop = new RoundLoop({
      round: async () => {
        await sleep(50)
        finished = true
        return { delayMs: 0 }
      },
      onError: () => ({ delayMs: 0 }),
    })
    loop.start()
    await sleep(10)
    await loop.stop(1_000)
    assert.equal(finished, true)

    const stuck = new RoundLoop({
      round: () => new Promise(() => {}),
      onError: () => ({ delayMs: 0 }),
    })
    stuck.start()
    await sleep(5)
    const t = Date.now()
    await stuck.stop(30)
    assert.ok(Date.now() - t < 500)
    assert.equal(stuck.stopped, true)
  })
})
