import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { bytesToHex } from '../../src/bytes/hex.ts'
import type { Sha256 } from '../../src/hash/sha256.ts'
import { canonicalize } from '../../src/jcs/canonicalize.ts'
import { hashMtl } from '../../src/mtl/hashMtl.ts'
import { sampleDecisionMtl, samplePauseMtl, sampleResolutionMtl } from '../fixtures/mtl.ts'

// SHA-256(0x00 || UTF-8 of the canonical text), computed with OpenSSL instead of core's hashing.
const independentLeafHash = (mtl: object): string =>
  `0x${createHash('sha256')
    .update(Buffer.from([0]))
    .update(Buffer.from(canonicalize(mtl), 'utf8'))
    .digest('hex')}`

describe('hashMtl', () => {
  it('default: known answers for the samples', () => {
    // Pinned from the first run of hashMtl on test/fixtures/mtl.ts, and cross-checked below against
    // node:crypto. A change here means the canonical form, the leaf hash or the samples changed:
    // every published leaf hash would change with it.
    assert.equal(
      bytesToHex(hashMtl(sampleDecisionMtl())),
      '0x85c307c8741f13db49c58da1e8524740aa8c3961169ce6e405440714ac772c81',
    )
    assert.equal(
      bytesToHex(hashMtl(samplePauseMtl())),
      '0x4c23e17dcc0c492613b13f8500ca6055d4682ba1958fd089d8721ca074a6b395',
    )
    assert.equal(
      bytesToHex(hashMtl(sampleResolutionMtl())),
      '0x5b2fab16dbbe7f51ce694f214bd7e9cdf15ff15b2b4751f3fd410f5c1581c073',
    )
  })

  it('default: equals SHA-256(0x00 || canonical bytes) computed with node:crypto', () => {
    for (const mtl of [sampleDecisionMtl(), samplePauseMtl(), sampleResolutionMtl()]) {
      assert.equal(bytesToHex(hashMtl(mtl)), independentLeafHash(mtl))
    }
  })

  it('behavior: the canonical text of the decision sample, pinned', () => {
    assert.equal(
      canonicalize(sampleDecisionMtl()),
      '{"causal_graph":[{"id":"input","inputs":[],"kind":"input"},{"id":"entropy","inputs":["input"],"kind":"metric"}],"input_hash":"0xd76f36ed5f851e3d704778cec654530641adf8b0ee3c15c1a6802ba5688b9d69","kind":"decision","log_id":"0xab4540559155f7d88723d3adf1b1993d0f5cc719d15c8a70249fecccc4de992e","metrics":{"confidence":0.97,"entropy":0.12,"harm_score":0.01},"model":{"id":"clinical-assistant-7b","version_hash":"0x18a7c5d2d5f498e70dfa437a4a31f26ef772a5d8a095e9a087541bae482f4bd6"},"output_hash":"0x799b6261bc8f8532aa9793379424142e5ab22e2720017faf116cf14959f0a0cf","policy_hash":"0x3908a41f3fe095328d595372d575e838d9fa773a3356d32ad6f44f140c820b97","seq":0,"state":1,"subject":"psn:cb99e5c5edf4e4649948386884d35dc9f47a100cbe15814e523a971d98450f74","timestamp":"2025-03-14T09:26:53.589Z","trace_id":"0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8b","trigger_detail":"all scores within thresholds","trigger_type":"NONE","v":"mtl/1"}',
    )
  })

  it('behavior: independent of member order, sensitive to every value', () => {
    const mtl = sampleDecisionMtl()
    const reordered = Object.fromEntries(Object.entries(mtl).reverse()) as typeof mtl
    assert.deepEqual(hashMtl(reordered), hashMtl(mtl))
    assert.notDeepEqual(hashMtl({ ...mtl, seq: 1 }), hashMtl(mtl))
    assert.notDeepEqual(
      hashMtl({ ...mtl, metrics: { ...mtl.metrics, entropy: 0.13 } }),
      hashMtl(mtl),
    )
  })

  it('args: hash, a caller-supplied SHA-256 gets the 0x00 prefix and the canonical bytes', () => {
    const seen: Uint8Array[][] = []
    const nodeSha256: Sha256 = (...parts) => {
      seen.push(parts)
      const h = createHash('sha256')
      for (const part of parts) h.update(part)
      return new Uint8Array(h.digest())
    }
    const mtl = samplePauseMtl()
    assert.equal(bytesToHex(hashMtl(mtl, nodeSha256)), independentLeafHash(mtl))
    assert.equal(seen.length, 1)
    assert.deepEqual(seen[0]?.[0], new Uint8Array([0]))
    assert.equal(new TextDecoder().decode(seen[0]?.[1]), canonicalize(mtl))
  })

  it('errors: throws JcsError on a value that cannot be canonicalized', () => {
    const broken = { ...sampleDecisionMtl(), metrics: { entropy: Number.NaN } }
    assert.throws(() => hashMtl(broken), {
      name: 'JcsError',
      message: '$.metrics.entropy: NaN cannot be represented in RFC 8785 JSON',
    })
  })
})
