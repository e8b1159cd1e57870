import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Ajv2020 } from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { SUPPORTED_KEYWORDS } from '../../src/mtl/checkJsonSchema.ts'
import type { JsonSchema } from '../../src/mtl/JsonSchema.ts'
import { mtlSchema } from '../../src/mtl/mtlSchema.ts'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import {
  sampleDecisionMtl,
  sampleErasureMtl,
  sampleHash,
  samplePauseMtl,
  sampleResolutionMtl,
} from '../fixtures/mtl.ts'

// An RFC 3339 date-time check written apart from the validator's: the calendar comes from Date.
const isDateTime = (value: string): boolean => {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(value)
  if (m === null) return false
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[]
  const date = new Date(0)
  date.setUTCFullYear(year as number, (month as number) - 1, day)
  const dayExists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === (month as number) - 1 &&
    date.getUTCDate() === day
  return dayExists && (hour as number) < 24 && (minute as number) < 60 && (second as number) <= 60
}

const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true })
ajv.addFormat('date-time', { type: 'string', validate: isDateTime })
const ajvValidate = ajv.compile(mtlSchema)

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value))

describe('mtlSchema', () => {
  it('default: the published file is exactly the generated schema (run npm run build to update)', () => {
    const onDisk = readFileSync(new URL('../../schema/mtl-1.schema.json', import.meta.url), 'utf8')
    assert.equal(onDisk, `${JSON.stringify(mtlSchema, null, 2)}\n`)
  })

  it('behavior: has the $id, a title and a description for every field', () => {
    assert.equal(mtlSchema.$id, 'https://tml-anchor.org/schema/mtl-1.schema.json')
    assert.equal(mtlSchema.$schema, 'https://json-schema.org/draft/2020-12/schema')
    const defs = mtlSchema.$defs ?? {}
    for (const [name, def] of Object.entries(defs)) {
      assert.ok(def.title && def.description, `$defs.${name}`)
      for (const [field, sub] of Object.entries(def.properties ?? {})) {
        assert.ok(
          sub.description || sub.$ref,
          `$defs.${name}.properties.${field} has no description`,
        )
      }
    }
  })

  it('behavior: uses only keywords the validator interprets', () => {
    const unknown: string[] = []
    const walk = (schema: JsonSchema, at: string) => {
      for (const [keyword, sub] of Object.entries(schema)) {
        if (!SUPPORTED_KEYWORDS.has(keyword)) unknown.push(`${at}/${keyword}`)
        if (['properties', '$defs'].includes(keyword))
          for (const [k, s] of Object.entries(sub as Record<string, JsonSchema>))
            walk(s, `${at}/${keyword}/${k}`)
        else if (keyword === 'allOf')
          for (const [i, s] of (sub as JsonSchema[]).entries()) walk(s, `${at}/allOf/${i}`)
        else if (
          ['if', 'then', 'else', 'items', 'propertyNames'].includes(keyword) ||
          (keyword === 'additionalProperties' && typeof sub === 'object')
        )
          walk(sub as JsonSchema, `${at}/${keyword}`)
      }
    }
    walk(mtlSchema, '#')
    assert.deepEqual(unknown, [])
  })

  it('behavior: is frozen, so no caller can loosen the validator', () => {
    assert.ok(Object.isFrozen(mtlSchema))
    assert.ok(Object.isFrozen(mtlSchema.$defs?.decision?.properties?.trigger_type?.enum))
    assert.throws(() => {
      ;(mtlSchema as { type?: string }).type = 'array'
    }, TypeError)
  })

  describe('behavior: agrees with Ajv (JSON Schema 2020-12) on every verdict', () => {
    const verdicts = (value: unknown) => [validateMtl(value).valid, ajvValidate(value)] as const

    const corpus: { desc: string; value: unknown }[] = [
      { desc: 'decision', value: sampleDecisionMtl() },
      { desc: 'pause', value: samplePauseMtl() },
      { desc: 'resolution', value: sampleResolutionMtl() },
      { desc: 'erasure', value: sampleErasureMtl() },
      {
        desc: 'erasure with an output',
        value: { ...sampleErasureMtl(), output_hash: sampleHash('o') },
      },
      { desc: 'empty object', value: {} },
      { desc: 'null', value: null },
      { desc: 'array', value: [] },
      { desc: 'kind missing', value: { ...sampleDecisionMtl(), kind: undefined } },
      {
        desc: 'resolution marked as decision',
        value: { ...sampleResolutionMtl(), kind: 'decision' },
      },
      {
        desc: 'decision marked as resolution',
        value: { ...sampleDecisionMtl(), kind: 'resolution' },
      },
      { desc: 'state mismatch', value: { ...sampleResolutionMtl(), state: -1 } },
      {
        desc: 'timeout approval',
        value: {
          ...sampleResolutionMtl(),
          resolution: {
            ...sampleResolutionMtl().resolution,
            arbiter: { kind: 'timeout', id: 't' },
          },
        },
      },
      {
        desc: 'unsigned reviewer',
        value: {
          ...sampleResolutionMtl(),
          resolution: { ...sampleResolutionMtl().resolution, signature: null },
        },
      },
      {
        desc: 'astral trigger_detail at the limit',
        value: { ...sampleDecisionMtl(), trigger_detail: '😀'.repeat(1024) },
      },
      {
        desc: 'astral trigger_detail past the limit',
        value: { ...sampleDecisionMtl(), trigger_detail: '😀'.repeat(1025) },
      },
      { desc: 'lone surrogate', value: { ...sampleDecisionMtl(), trigger_detail: '\udc00' } },
      { desc: 'leap day', value: { ...sampleDecisionMtl(), timestamp: '2024-02-29T00:00:00Z' } },
      {
        desc: 'non-leap day',
        value: { ...sampleDecisionMtl(), timestamp: '2023-02-29T00:00:00Z' },
      },
      {
        desc: 'duplicate inputs',
        value: {
          ...sampleDecisionMtl(),
          causal_graph: [{ id: 'a', kind: 'rule', inputs: ['b', 'b'] }],
        },
      },
      {
        desc: 'integer-valued float seq',
        value: JSON.parse(JSON.stringify(sampleDecisionMtl()).replace('"seq":0', '"seq":1.0')),
      },
    ]
    for (const { desc, value } of corpus) {
      it(desc, () => {
        const json = value === null || typeof value !== 'object' ? value : clone(value)
        const [ours, theirs] = verdicts(json)
        assert.equal(ours, theirs, JSON.stringify(ajvValidate.errors))
      })
    }

    it('properties: on random edits of the samples, with both verdicts seen often', () => {
      // Values that sit on either side of a rule; the schema decides which are valid.
      const pool: unknown[] = [
        null,
        0,
        -1,
        1,
        2,
        1.5,
        -0,
        2 ** 53 - 1,
        2 ** 53,
        '',
        'x',
        true,
        [],
        {},
        [''],
        'mtl/1',
        'mtl/2',
        'decision',
        'resolution',
        'AMBIGUITY',
        'NONE',
        'harm',
        sampleHash('a'),
        sampleHash('a').toUpperCase(),
        `0x${'ab'.repeat(31)}`,
        '0x',
        '0x00',
        '0xabc',
        '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f',
        '0192d4e0-7a1b-0c3d-8e4f-5a6b7c8d9e0f',
        '2025-01-01T00:00:00Z',
        '2025-01-01T00:00:00.1234Z',
        '2024-02-29T12:00:00.5Z',
        '2025-02-29T12:00:00Z',
        '2025-06-31T00:00:00Z',
        '2025-01-01T00:00:60Z',
        '2025-01-01T00:00:00+00:00',
        `psn:${'0'.repeat(64)}`,
        `psn:${'0'.repeat(63)}`,
        'a b',
        'model/v1@2',
        'x'.repeat(129),
        '😀'.repeat(1024),
        'é'.repeat(1025),
        { entropy: 0.5 },
        { Entropy: 0.5 },
        { entropy: '0.5' },
        { id: 'm', version_hash: sampleHash('m') },
        { id: 'm' },
        [{ id: 'a', kind: 'input', inputs: [] }],
        [{ id: 'a', kind: 'input', inputs: ['a', 'a'] }],
        [{ id: 'a', kind: 'Input', inputs: [] }],
        {
          decision: -1,
          arbiter: { kind: 'timeout', id: 't' },
          rationale_hash: sampleHash('r'),
          signature: null,
        },
        {
          decision: 1,
          arbiter: { kind: 'timeout', id: 't' },
          rationale_hash: sampleHash('r'),
          signature: null,
        },
        {
          decision: 1,
          arbiter: { kind: 'reviewer', id: 'r' },
          rationale_hash: sampleHash('r'),
          signature: '0x01',
        },
        {
          decision: -1,
          arbiter: { kind: 'budget', id: 'b' },
          rationale_hash: sampleHash('r'),
          signature: '0x01',
        },
        {
          decision: 1,
          arbiter: { kind: 'verification', id: 'v' },
          rationale_hash: sampleHash('r'),
          signature: null,
        },
        {
          decision: 0,
          arbiter: { kind: 'reviewer', id: 'r' },
          rationale_hash: sampleHash('r'),
          signature: '0x01',
        },
      ]
      const fields = [...Object.keys(sampleResolutionMtl()), 'extra']
      const edit = fc.tuple(
        fc.constantFrom(...fields),
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...pool) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        ),
      )
      const record = fc.tuple(
        fc.constantFrom(sampleDecisionMtl, samplePauseMtl, sampleResolutionMtl),
        fc.array(edit, { minLength: 0, maxLength: 3 }),
        fc.boolean(),
      )
      const seen = { valid: 0, invalid: 0 }
      fc.assert(
        fc.property(record, ([make, edits, dropField]) => {
          const value = clone(make()) as Record<string, unknown>
          for (const [field, replacement] of edits) value[field] = clone(replacement)
          if (dropField && edits[0]) delete value[edits[0][0]]
          const [ours, theirs] = verdicts(value)
          seen[ours ? 'valid' : 'invalid']++
          assert.equal(
            ours,
            theirs,
            `${JSON.stringify(value)}\n${JSON.stringify(ajvValidate.errors)}`,
          )
        }),
        { numRuns: 3000 },
      )
      assert.ok(seen.valid > 100 && seen.invalid > 1000, JSON.stringify(seen))
    })
  })
})
