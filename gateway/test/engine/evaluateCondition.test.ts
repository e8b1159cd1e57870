import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { conditionFields, evaluateCondition } from '../../src/engine/evaluateCondition.ts'
import { MISSING, readField } from '../../src/engine/readField.ts'
import type { Condition } from '../../src/policy/types.ts'

const root = {
  input: { text: 'hello world', tags: ['a', 'b'] },
  context: { age: 17, country: 'FR', flag: false, nothing: null },
  signals: { confidence: 0.9 },
}

describe('evaluateCondition', () => {
  const table: { desc: string; condition: Condition; want: boolean }[] = [
    { desc: 'eq number', condition: { field: 'context.age', op: 'eq', value: 17 }, want: true },
    {
      desc: 'eq is strict',
      condition: { field: 'context.age', op: 'eq', value: '17' },
      want: false,
    },
    { desc: 'eq null', condition: { field: 'context.nothing', op: 'eq', value: null }, want: true },
    { desc: 'ne', condition: { field: 'context.country', op: 'ne', value: 'DE' }, want: true },
    {
      desc: 'ne on missing is true',
      condition: { field: 'context.zzz', op: 'ne', value: 1 },
      want: true,
    },
    { desc: 'gt', condition: { field: 'context.age', op: 'gt', value: 16 }, want: true },
    {
      desc: 'gt at the limit',
      condition: { field: 'context.age', op: 'gt', value: 17 },
      want: false,
    },
    {
      desc: 'gte at the limit',
      condition: { field: 'context.age', op: 'gte', value: 17 },
      want: true,
    },
    { desc: 'lt', condition: { field: 'signals.confidence', op: 'lt', value: 0.95 }, want: true },
    { desc: 'lte', condition: { field: 'signals.confidence', op: 'lte', value: 0.9 }, want: true },
    {
      desc: 'lt across types is false',
      condition: { field: 'context.country', op: 'lt', value: 5 },
      want: false,
    },
    {
      desc: 'lt on strings',
      condition: { field: 'context.country', op: 'lt', value: 'GB' },
      want: true,
    },
    {
      desc: 'in',
      condition: { field: 'context.country', op: 'in', value: ['FR', 'DE'] },
      want: true,
    },
    {
      desc: 'not_in',
      condition: { field: 'context.country', op: 'not_in', value: ['FR'] },
      want: false,
    },
    {
      desc: 'not_in on missing is true',
      condition: { field: 'context.zzz', op: 'not_in', value: ['FR'] },
      want: true,
    },
    { desc: 'exists', condition: { field: 'context.flag', op: 'exists', value: true }, want: true },
    {
      desc: 'exists false on missing',
      condition: { field: 'context.zzz', op: 'exists', value: false },
      want: true,
    },
    {
      desc: 'contains substring',
      condition: { field: 'input.text', op: 'contains', value: 'world' },
      want: true,
    },
    {
      desc: 'contains array item',
      condition: { field: 'input.tags', op: 'contains', value: 'b' },
      want: true,
    },
    {
      desc: 'contains on a number is false',
      condition: { field: 'context.age', op: 'contains', value: 1 },
      want: false,
    },
    {
      desc: 'comparison on missing is false',
      condition: { field: 'context.zzz', op: 'eq', value: 1 },
      want: false,
    },
    {
      desc: 'all',
      condition: {
        all: [
          { field: 'context.age', op: 'lt', value: 18 },
          { field: 'context.country', op: 'eq', value: 'FR' },
        ],
      },
      want: true,
    },
    {
      desc: 'any',
      condition: {
        any: [
          { field: 'context.age', op: 'gt', value: 18 },
          { field: 'context.flag', op: 'eq', value: false },
        ],
      },
      want: true,
    },
    {
      desc: 'not',
      condition: { not: { field: 'context.flag', op: 'eq', value: false } },
      want: false,
    },
  ]
  for (const row of table) {
    test(`behavior: ${row.desc}`, () => {
      assert.equal(evaluateCondition({ condition: row.condition, root }), row.want)
    })
  }

  describe('path and prefix operators (tool-call arguments)', () => {
    const call = (path: unknown) => ({
      input: { tool: { name: 'write_file', arguments: { path } } },
    })
    const within = (path: unknown, roots = ['/srv/work']) =>
      evaluateCondition({
        condition: { field: 'input.tool.arguments.path', op: 'within', value: roots },
        root: call(path),
      })
    const notWithin = (path: unknown, roots = ['/srv/work']) =>
      evaluateCondition({
        condition: { field: 'input.tool.arguments.path', op: 'not_within', value: roots },
        root: call(path),
      })

    test('behavior: a path under the root, or the root itself, is within', () => {
      assert.equal(within('/srv/work/notes/a.txt'), true)
      assert.equal(within('/srv/work'), true)
      assert.equal(within('/srv/work/'), true)
      assert.equal(within('/srv/work/./a/../b.txt'), true)
      assert.equal(notWithin('/srv/work/a.txt'), false)
    })

    test('adversarial: a sibling sharing the prefix is not within (segment boundary)', () => {
      assert.equal(within('/srv/work-evil/a.txt'), false)
      assert.equal(within('/srv/workshop'), false)
      assert.equal(notWithin('/srv/work-evil/a.txt'), true)
    })

    test('adversarial: .. segments that climb out of the root are not within', () => {
      assert.equal(within('/srv/work/../etc/passwd'), false)
      assert.equal(within('/srv/work/a/../../work-evil/x'), false)
      assert.equal(within('//srv/work/../../../etc'), false)
      assert.equal(notWithin('/srv/work/../etc/passwd'), true)
    })

    test('adversarial: relative, home-relative, non-string and missing paths fail closed', () => {
      for (const path of ['srv/work/a', '~/a', './a', '', 3, null, ['/srv/work/a']]) {
        assert.equal(within(path), false, String(path))
        assert.equal(notWithin(path), true, String(path))
      }
      assert.equal(
        evaluateCondition({
          condition: { field: 'input.tool.arguments.path', op: 'not_within', value: ['/srv'] },
          root: { input: { tool: { name: 'read_file', arguments: {} } } },
        }),
        true,
      )
    })

    test('behavior: several roots, and / holds every absolute path', () => {
      assert.equal(within('/tmp/x', ['/srv/work', '/tmp']), true)
      assert.equal(within('/etc/passwd', ['/']), true)
    })

    test('behavior: starts_with is a case-sensitive string prefix, false on other types', () => {
      const starts = (name: unknown, value: string) =>
        evaluateCondition({
          condition: { field: 'input.tool.name', op: 'starts_with', value },
          root: { input: { tool: { name } } },
        })
      assert.equal(starts('delete_file', 'delete'), true)
      assert.equal(starts('Delete_file', 'delete'), false)
      assert.equal(starts('undelete', 'delete'), false)
      assert.equal(starts(42, '4'), false)
    })
  })

  test('behavior: conditionFields lists every path read', () => {
    assert.deepEqual(
      conditionFields({
        all: [
          { field: 'a.b', op: 'eq', value: 1 },
          { not: { field: 'c.d', op: 'exists', value: true } },
        ],
      }),
      ['a.b', 'c.d'],
    )
  })
})

describe('readField', () => {
  test('default: objects and arrays', () => {
    assert.equal(readField(root, 'input.tags.1'), 'b')
    assert.equal(readField(root, 'context.nothing'), null)
  })
  test('behavior: never reaches inherited properties', () => {
    assert.equal(readField({ context: {} }, 'context.constructor'), MISSING)
    assert.equal(readField({ context: {} }, 'context.__proto__'), MISSING)
    assert.equal(readField({ context: 'abc' }, 'context.length'), MISSING)
  })
})
