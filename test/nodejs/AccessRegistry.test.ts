import { describe, it } from 'node:test'
import { expect } from 'chai'
import { network } from 'hardhat'
import { type Hex, keccak256, stringToHex, zeroAddress, zeroHash } from 'viem'
import { deployRegistries } from '../helpers/registries.ts'

const DAY = 24n * 3600n
const key = (name: string): Hex => keccak256(stringToHex(`x25519 ${name}`))
const AUDITOR_KEY = key('auditor')
/** An HPKE release as a custodian posts it: enc (32) ‖ ciphertext (33-byte share + 16-byte tag). */
const RELEASE: Hex = `0x${'ab'.repeat(81)}`

describe('AccessRegistry', async () => {
  const connection = await network.create()
  const { networkHelpers } = connection

  async function accessFixture() {
    const base = await deployRegistries(connection)
    const wallets = await base.viem.getWalletClients()
    const [c0, c1, c2, auditor, outsider, c3] = wallets.slice(8)
    if (!c0 || !c1 || !c2 || !auditor || !outsider || !c3) throw new Error('not enough accounts')
    const auditorWallet = auditor
    const access = await base.viem.deployContract('AccessRegistry', [base.lantern.address])
    const custodians = [c0, c1, c2]
    await access.write.declareCustodians(
      [
        base.logId,
        custodians.map((c) => c.account.address),
        custodians.map((_, i) => key(`c${i}`)),
        2,
      ],
      { account: base.accounts.operator.account },
    )
    /** Requests epochs 3..5 for a day as the auditor; returns the grant id. */
    async function request(from = 3n, to = 5n, duration = DAY) {
      await access.write.requestAccess([base.logId, from, to, duration, AUDITOR_KEY], {
        account: auditorWallet.account,
      })
      return access.read.grantCount()
    }
    return { ...base, access, custodians, auditor, outsider, c3, request }
  }
  const load = () => networkHelpers.loadFixture(accessFixture)

  it('default: k approvals make a live grant; custodians release in range, as events; gas', async () => {
    const { viem, publicClient, access, custodians, auditor, logId, request } = await load()
    const [c0, c1] = custodians as [(typeof custodians)[0], (typeof custodians)[0]]
    const requestHash = await access.write.requestAccess([logId, 3n, 5n, DAY, AUDITOR_KEY], {
      account: auditor.account,
    })
    const grantId = await access.read.grantCount()
    expect(grantId).to.equal(1n)
    const info = await access.read.grantInfo([grantId])
    expect(info.auditor.toLowerCase()).to.equal(auditor.account.address.toLowerCase())
    expect(info.threshold).to.equal(2)
    expect(info.custodyVersion).to.equal(1)
    await viem.assertions.emitWithArgs(
      access.write.approve([grantId], { account: c0.account }),
      access,
      'AccessApproved',
      [grantId, c0.account.address, 1],
    )
    expect(await access.read.isLive([grantId])).to.equal(false)
    const approveHash = await access.write.approve([grantId], { account: c1.account })
    const approvedAt = BigInt(await networkHelpers.time.latest())
    const granted = await publicClient.getContractEvents({
      address: access.address,
      abi: access.abi,
      eventName: 'AccessGranted',
    })
    expect(granted).to.have.length(1)
    expect(granted[0]?.args).to.deep.equal({ grantId, approvedAt, expiresAt: approvedAt + DAY })
    expect(await access.read.isLive([grantId])).to.equal(true)
    const releaseHash = await access.write.release([grantId, 4n, RELEASE], { account: c1.account })
    const released = await publicClient.getContractEvents({
      address: access.address,
      abi: access.abi,
      eventName: 'ShareReleased',
    })
    expect(released[0]?.args).to.deep.include({
      grantId,
      epoch: 4n,
      index: 1,
      wrappedShare: RELEASE,
    })
    const gas = async (hash: Hex) => (await publicClient.getTransactionReceipt({ hash })).gasUsed
    console.log(
      `gas: requestAccess ${await gas(requestHash)}, approve (k-th) ${await gas(approveHash)}, release ${await gas(releaseHash)}`,
    )
    // A second request: ids count up.
    expect(await request()).to.equal(2n)
  })

  it('refuses a release with k-1 approvals (AccessGrantNotLive)', async () => {
    const { viem, access, custodians, request } = await load()
    const grantId = await request()
    await access.write.approve([grantId], { account: custodians[0]?.account })
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.release([grantId, 3n, RELEASE], { account: custodians[0]?.account }),
      access,
      'AccessGrantNotLive',
      [grantId, 1, 2],
    )
  })

  it('refuses releases and approvals once the grant expired (AccessGrantExpired)', async () => {
    const { viem, access, custodians, request } = await load()
    const grantId = await request(3n, 5n, 3600n)
    await access.write.approve([grantId], { account: custodians[0]?.account })
    await access.write.approve([grantId], { account: custodians[1]?.account })
    const expiresAt = (await access.read.grantInfo([grantId])).approvedAt + 3600n
    await networkHelpers.time.increaseTo(expiresAt)
    expect(await access.read.isLive([grantId])).to.equal(false)
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.release([grantId, 3n, RELEASE], { account: custodians[0]?.account }),
      access,
      'AccessGrantExpired',
      [grantId, expiresAt],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.approve([grantId], { account: custodians[2]?.account }),
      access,
      'AccessGrantExpired',
      [grantId, expiresAt],
    )
  })

  it('refuses an epoch outside the range (AccessEpochOutOfRange)', async () => {
    const { viem, access, custodians, request } = await load()
    const grantId = await request(3n, 5n)
    await access.write.approve([grantId], { account: custodians[0]?.account })
    await access.write.approve([grantId], { account: custodians[2]?.account })
    for (const epoch of [2n, 6n])
      await viem.assertions.revertWithCustomErrorWithArgs(
        access.write.release([grantId, epoch, RELEASE], { account: custodians[2]?.account }),
        access,
        'AccessEpochOutOfRange',
        [grantId, epoch, 3n, 5n],
      )
  })

  it('refuses approvals and releases by non-custodians, twice the same, unknown grants', async () => {
    const { viem, access, custodians, outsider, auditor, request } = await load()
    const grantId = await request()
    for (const who of [outsider, auditor]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        access.write.approve([grantId], { account: who.account }),
        access,
        'AccessNotCustodian',
        [grantId, who.account.address],
      )
    }
    await access.write.approve([grantId], { account: custodians[0]?.account })
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.approve([grantId], { account: custodians[0]?.account }),
      access,
      'AccessAlreadyApproved',
      [grantId, custodians[0]?.account.address as Hex],
    )
    await access.write.approve([grantId], { account: custodians[1]?.account })
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.release([grantId, 3n, RELEASE], { account: outsider.account }),
      access,
      'AccessNotCustodian',
      [grantId, outsider.account.address],
    )
    await access.write.release([grantId, 3n, RELEASE], { account: custodians[1]?.account })
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.release([grantId, 3n, RELEASE], { account: custodians[1]?.account }),
      access,
      'AccessAlreadyReleased',
      [grantId, 3n, custodians[1]?.account.address as Hex],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.release([grantId, 4n, '0x'], { account: custodians[1]?.account }),
      access,
      'AccessEmptyRelease',
      [grantId],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.approve([99n], { account: custodians[0]?.account }),
      access,
      'AccessUnknownGrant',
      [99n],
    )
  })

  it("only the log's operator declares custodians, with a workable set", async () => {
    const { viem, access, accounts, logId, custodians, lantern } = await load()
    const addresses = custodians.map((c) => c.account.address)
    const keys = custodians.map((_, i) => key(`c${i}`))
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, addresses, keys, 2], {
        account: accounts.other.account,
      }),
      access,
      'AccessNotLogOperator',
      [logId, accounts.other.account.address],
    )
    const unknown = keccak256(stringToHex('no such log'))
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([unknown, addresses, keys, 2], {
        account: accounts.operator.account,
      }),
      access,
      'AccessUnknownLog',
      [unknown],
    )
    const as = { account: accounts.operator.account }
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, addresses, keys, 4], as),
      access,
      'AccessInvalidThreshold',
      [4n, 3n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, addresses, keys, 0], as),
      access,
      'AccessInvalidThreshold',
      [0n, 3n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, [], [], 1], as),
      access,
      'AccessInvalidCustodianCount',
      [0n, 0n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, addresses, keys.slice(1), 1], as),
      access,
      'AccessInvalidCustodianCount',
      [3n, 2n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians(
        [logId, [addresses[0] as Hex, addresses[0] as Hex], keys.slice(0, 2), 1],
        as,
      ),
      access,
      'AccessDuplicateCustodian',
      [addresses[0] as Hex],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, [zeroAddress], [keys[0] as Hex], 1], as),
      access,
      'AccessInvalidCustodian',
      [0n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, [addresses[0] as Hex], [zeroHash], 1], as),
      access,
      'AccessInvalidCustodian',
      [0n],
    )
    await lantern.write.retireLog([logId], as)
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.declareCustodians([logId, addresses, keys, 2], as),
      access,
      'AccessLogRetired',
      [logId],
    )
  })

  it('a grant keeps the custodians it was requested under; new requests take the new ones', async () => {
    const { viem, access, accounts, logId, custodians, c3, request } = await load()
    const before = await request()
    await access.write.declareCustodians([logId, [c3.account.address], [key('c3')], 1], {
      account: accounts.operator.account,
    })
    const [list, , threshold, version] = await access.read.custodiansOf([logId])
    expect(list.map((a) => a.toLowerCase())).to.deep.equal([c3.account.address.toLowerCase()])
    expect([threshold, version]).to.deep.equal([1, 2])
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.approve([before], { account: c3.account }),
      access,
      'AccessNotCustodian',
      [before, c3.account.address],
    )
    await access.write.approve([before], { account: custodians[0]?.account })
    const after = await request()
    await access.write.approve([after], { account: c3.account })
    expect(await access.read.isLive([after])).to.equal(true)
  })

  it('refuses requests that cannot be granted', async () => {
    const { viem, access, logId, auditor } = await load()
    const as = { account: auditor.account }
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.requestAccess([logId, 0n, 5n, DAY, AUDITOR_KEY], as),
      access,
      'AccessInvalidEpochRange',
      [0n, 5n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.requestAccess([logId, 6n, 5n, DAY, AUDITOR_KEY], as),
      access,
      'AccessInvalidEpochRange',
      [6n, 5n],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.requestAccess([logId, 1n, 5n, 0n, AUDITOR_KEY], as),
      access,
      'AccessInvalidDuration',
      [0n, 365n * DAY],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.requestAccess([logId, 1n, 5n, 366n * DAY, AUDITOR_KEY], as),
      access,
      'AccessInvalidDuration',
      [366n * DAY, 365n * DAY],
    )
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.requestAccess([logId, 1n, 5n, DAY, zeroHash], as),
      access,
      'AccessZeroAuditorKey',
      [],
    )
    const unknown = keccak256(stringToHex('no custody'))
    await viem.assertions.revertWithCustomErrorWithArgs(
      access.write.requestAccess([unknown, 1n, 5n, DAY, AUDITOR_KEY], as),
      access,
      'AccessNoCustodians',
      [unknown],
    )
  })
})
