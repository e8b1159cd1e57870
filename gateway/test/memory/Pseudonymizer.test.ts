import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MemoryLogStore } from '../../src/memory/MemoryLogStore.ts'
import { Pseudonymizer } from '../../src/memory/Pseudonymizer.ts'
import { ANONYMOUS_SUBJECT, pseudonymOf } from '../../src/memory/pseudonymOf.ts'

const indexKey = new Uint8Array(32).fill(7)

describe('Pseudonymizer', () => {
  test('default: a subject gets a stable pseudonym once its secret is stored', async () => {
    const store = new MemoryLogStore()
    const p = new Pseudonymizer({ indexKey, store })
    const a = await p.subject('alice@example.com')
    assert.match(a.pseudonym, /^psn:[0-9a-f]{64}$/)
    assert.ok(a.newKey, 'first sight creates a secret to store')
    assert.ok(!a.pseudonym.includes('alice'))
    await store.append({ entries: [], subjectKeys: [a.newKey], erasedLookups: [] })
    p.markPersisted([a.newKey])
    const again = await p.subject('alice@example.com')
    assert.equal(again.pseudonym, a.pseudonym)
    assert.equal(again.newKey, undefined)
    // A new process (empty cache) finds the stored secret.
    const fresh = new Pseudonymizer({ indexKey, store })
    assert.equal((await fresh.subject('alice@example.com')).pseudonym, a.pseudonym)
  })

  test('behavior: concurrent first requests of one subject share one secret', async () => {
    const p = new Pseudonymizer({ indexKey, store: new MemoryLogStore() })
    const [a, b] = await Promise.all([p.subject('bob'), p.subject('bob')])
    assert.equal(a?.pseudonym, b?.pseudonym)
  })

  test('behavior: different subjects and anonymous requests are unlinkable', async () => {
    const p = new Pseudonymizer({ indexKey, store: new MemoryLogStore() })
    const x = await p.subject('x')
    const y = await p.subject('y')
    assert.notEqual(x.pseudonym, y.pseudonym)
    const anon1 = await p.subject(undefined)
    const anon2 = await p.subject(undefined)
    assert.notEqual(anon1.pseudonym, anon2.pseudonym)
    assert.equal(anon1.lookup, null)
    assert.equal(anon1.newKey, undefined)
  })

  test('behavior: an anonymous request gets a fresh 32-byte secret at once, and its pseudonym derives from it', () => {
    const p = new Pseudonymizer({ indexKey, store: new MemoryLogStore() })
    const secrets = new Set<string>()
    // More than one refill of the pool of one-off secrets.
    for (let i = 0; i < 300; i++) {
      const a = p.anonymous()
      assert.equal(a.secret.length, 32)
      secrets.add(Buffer.from(a.secret).toString('hex'))
      if (i % 50 === 0) assert.equal(a.pseudonym, pseudonymOf(a.secret, ANONYMOUS_SUBJECT))
    }
    assert.equal(secrets.size, 300, 'no one-off secret is ever handed out twice')
  })

  test('behavior: scrub replaces configured fields with keyed pseudonyms, copy on write', async () => {
    const p = new Pseudonymizer({ indexKey, store: new MemoryLogStore() })
    const { secret } = await p.subject('carol')
    const value = {
      input: { patient: { name: 'Carol', age: 40 }, text: 'hi' },
      context: { email: 'c@x' },
    }
    const out = p.scrub({
      value,
      fields: ['input.patient.name', 'context.email', 'context.missing'],
      secret,
    })
    assert.equal(value.input.patient.name, 'Carol', 'the original is untouched')
    assert.match(out.input.patient.name, /^psn:[0-9a-f]{64}$/)
    assert.equal(out.input.patient.age, 40)
    assert.equal(out.input.text, 'hi')
    assert.match(out.context.email, /^psn:/)
    assert.ok(!JSON.stringify(out).includes('Carol'))
    // Deterministic under one secret, different under another.
    assert.deepEqual(
      p.scrub({ value, fields: ['input.patient.name'], secret }).input.patient.name,
      out.input.patient.name,
    )
    const other = await p.subject('dave')
    assert.notEqual(
      p.scrub({ value, fields: ['input.patient.name'], secret: other.secret }).input.patient.name,
      out.input.patient.name,
    )
  })

  test('behavior: after erasure the subject is unknown and a new request gets a new pseudonym', async () => {
    const store = new MemoryLogStore()
    const p = new Pseudonymizer({ indexKey, store })
    const a = await p.subject('erin')
    assert.ok(a.newKey && a.lookup)
    await store.append({ entries: [], subjectKeys: [a.newKey], erasedLookups: [] })
    p.markPersisted([a.newKey])
    assert.equal((await p.existing('erin'))?.pseudonym, a.pseudonym)
    await store.append({ entries: [], subjectKeys: [], erasedLookups: [a.lookup] })
    p.forget(a.lookup)
    assert.equal(await p.existing('erin'), undefined)
    const b = await p.subject('erin')
    assert.notEqual(b.pseudonym, a.pseudonym)
  })
})
