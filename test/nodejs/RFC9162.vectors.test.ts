// Every vector of test/vectors/rfc6962 through the Solidity verifiers of
// contracts/libraries/RFC9162.sol.
//
// Most vectors fit the ABI as they are and must give exactly `!wantErr`. A few carry hashes that
// are not 32 bytes long, which a bytes32 parameter cannot hold: for those, the raw value must be
// refused by the ABI encoder when the vector wants an error, and the contract must agree with
// core on the nearest bytes32 input (zero-padded), whatever that answer is.
import { describe, it } from 'node:test'
import { hexToBytes, verifyConsistency, verifyInclusion } from '@tml/core'
import { expect } from 'chai'
import { network } from 'hardhat'
import { encodeAbiParameters, type Hex } from 'viem'
import { consistencyVectors, inclusionVectors } from '../helpers/vectors.ts'

const bytes = (hex: Hex) => hexToBytes(hex)

function expectRefusedAsBytes32(odd: Hex[]) {
  for (const raw of odd) {
    expect(() => encodeAbiParameters([{ type: 'bytes32' }], [raw])).to.throw(/size/i)
  }
}

describe('RFC9162 vectors (test/vectors/rfc6962)', async () => {
  const { viem } = await network.create()
  const harness = await viem.deployContract('RFC9162Harness')
  const inclusion = inclusionVectors()
  const consistency = consistencyVectors()

  it('behavior: every vector file is loaded', () => {
    expect(inclusion.length).to.equal(98)
    expect(consistency.length).to.equal(98)
    expect(inclusion.filter((v) => !v.wantErr)).to.have.length.greaterThan(4)
    expect(consistency.filter((v) => !v.wantErr)).to.have.length.greaterThan(4)
  })

  describe('verifyInclusion', () => {
    for (const v of inclusion) {
      it(`${v.wantErr ? 'rejects' : 'accepts'} ${v.name}`, async () => {
        const valid = await harness.read.verifyInclusion([
          v.leafIndex,
          v.treeSize,
          v.leafHash,
          v.proof,
          v.root,
        ])
        if (v.oddHashes.length === 0) {
          expect(valid).to.equal(!v.wantErr)
          return
        }
        if (v.wantErr) expectRefusedAsBytes32(v.oddHashes)
        const core = verifyInclusion({
          leafIndex: v.leafIndex,
          treeSize: v.treeSize,
          leafHash: bytes(v.leafHash),
          proof: v.proof.map(bytes),
          root: bytes(v.root),
        })
        expect(valid).to.equal(core)
      })
    }
  })

  describe('verifyConsistency', () => {
    for (const v of consistency) {
      it(`${v.wantErr ? 'rejects' : 'accepts'} ${v.name}`, async () => {
        const valid = await harness.read.verifyConsistency([
          v.size1,
          v.size2,
          v.root1,
          v.root2,
          v.proof,
        ])
        if (v.oddHashes.length === 0) {
          expect(valid).to.equal(!v.wantErr)
          return
        }
        if (v.wantErr) expectRefusedAsBytes32(v.oddHashes)
        else expect(valid).to.equal(true)
        const core = verifyConsistency({
          size1: v.size1,
          size2: v.size2,
          root1: bytes(v.root1),
          root2: bytes(v.root2),
          proof: v.proof.map(bytes),
        })
        expect(valid).to.equal(core)
      })
    }
  })
})
