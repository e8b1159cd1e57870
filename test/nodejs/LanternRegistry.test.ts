import { describe, it } from 'node:test'
import { computeLogId } from '@tml/core'
import { expect } from 'chai'
import { network } from 'hardhat'
import { encodePacked, type Hex, keccak256, stringToHex, zeroAddress, zeroHash } from 'viem'
import { signCheckpoint } from '../helpers/checkpoints.ts'
import {
  deployRegistries,
  EVIDENCE,
  LICENSE_HASH,
  LOG_NAME,
  MAX_EPOCH_INTERVAL,
  METADATA_URI,
  MODEL_HASH,
  POLICY_HASHES,
  PROFILE,
  RECEIPT_KEY,
} from '../helpers/registries.ts'

const Reason = {
  None: 0,
  NeverCertified: 1,
  Expired: 2,
  Revoked: 3,
  LogStale: 4,
  LogEquivocated: 5,
} as const
const DAY = 24n * 3600n
const REASON = keccak256(stringToHex('evidence of misconduct'))

describe('LanternRegistry', async () => {
  const connection = await network.create()
  const { networkHelpers } = connection

  async function registriesFixture() {
    return deployRegistries(connection)
  }
  const load = () => networkHelpers.loadFixture(registriesFixture)
  const now = async () => BigInt(await networkHelpers.time.latest())

  describe('operators', () => {
    it('default: registerOperator records the metadata and the License hash and emits OperatorRegistered', async () => {
      const { viem, lantern, accounts } = await load()
      const { other } = accounts
      const license = keccak256(stringToHex('TML License v2'))
      await viem.assertions.emitWithArgs(
        lantern.write.registerOperator(['ipfs://meta', license], { account: other.account }),
        lantern,
        'OperatorRegistered',
        [other.account.address, license, 'ipfs://meta'],
      )
      const info = await lantern.read.operatorInfo([other.account.address])
      expect(info.metadataURI).to.equal('ipfs://meta')
      expect(info.licenseHash).to.equal(license)
      expect(info.registeredAt).to.equal(await now())
      expect(
        (await lantern.read.operatorInfo([accounts.stranger.account.address])).registeredAt,
      ).to.equal(0n)
    })

    it('default: updateOperatorMetadata changes the URI and emits OperatorMetadataUpdated', async () => {
      const { viem, lantern, accounts } = await load()
      await viem.assertions.emitWithArgs(
        lantern.write.updateOperatorMetadata(['https://new.example'], {
          account: accounts.operator.account,
        }),
        lantern,
        'OperatorMetadataUpdated',
        [accounts.operator.account.address, 'https://new.example'],
      )
      const info = await lantern.read.operatorInfo([accounts.operator.account.address])
      expect(info.metadataURI).to.equal('https://new.example')
      expect(info.licenseHash).to.equal(LICENSE_HASH)
    })

    describe('errors', () => {
      it('reverts with LanternOperatorAlreadyRegistered, LanternZeroHash and LanternOperatorNotRegistered', async () => {
        const { viem, lantern, accounts } = await load()
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.registerOperator([METADATA_URI, LICENSE_HASH], {
            account: accounts.operator.account,
          }),
          lantern,
          'LanternOperatorAlreadyRegistered',
          [accounts.operator.account.address],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.registerOperator([METADATA_URI, zeroHash], {
            account: accounts.other.account,
          }),
          lantern,
          'LanternZeroHash',
          [],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.updateOperatorMetadata(['x'], { account: accounts.other.account }),
          lantern,
          'LanternOperatorNotRegistered',
          [accounts.other.account.address],
        )
      })
    })
  })

  describe('logs', () => {
    it('default: declareLog derives the id from operator, name, first keys and interval, registers key period 0, emits LogDeclared', async () => {
      const { viem, lantern, registry, accounts } = await load()
      const { operator, signer } = accounts
      const expected = computeLogId({
        operator: operator.account.address,
        name: 'gateway-2',
        signer: signer.account.address,
        receiptKey: RECEIPT_KEY,
        maxEpochInterval: 600n,
      })
      await viem.assertions.emitWithArgs(
        lantern.write.declareLog(['gateway-2', signer.account.address, RECEIPT_KEY, 600n], {
          account: operator.account,
        }),
        lantern,
        'LogDeclared',
        [
          expected,
          operator.account.address,
          'gateway-2',
          signer.account.address,
          RECEIPT_KEY,
          600n,
        ],
      )
      expect(
        await lantern.read.computeLogId([
          operator.account.address,
          'gateway-2',
          signer.account.address,
          RECEIPT_KEY,
          600n,
        ]),
      ).to.equal(expected)
      const log = await lantern.read.logInfo([expected])
      expect(log.operator.toLowerCase()).to.equal(operator.account.address)
      expect(log.name).to.equal('gateway-2')
      expect(log.signer.toLowerCase()).to.equal(signer.account.address)
      expect(log.receiptKey).to.equal(RECEIPT_KEY)
      expect(log.maxEpochInterval).to.equal(600n)
      expect(log.declaredAt).to.equal(await now())
      expect(log.retired).to.equal(false)
      const ids = await lantern.read.logsOf([operator.account.address])
      expect(ids).to.deep.equal([
        await lantern.read.computeLogId([
          operator.account.address,
          LOG_NAME,
          signer.account.address,
          RECEIPT_KEY,
          MAX_EPOCH_INTERVAL,
        ]),
        expected,
      ])
      expect(await registry.read.logStatus([expected])).to.equal(1)
      // The registry holds receipts to the interval the log id commits to.
      expect(await registry.read.maxEpochIntervalOf([expected])).to.equal(600n)
      const [first, receiptKey, index] = await registry.read.keysAt([expected, 1n])
      expect([first.toLowerCase(), receiptKey, index]).to.deep.equal([
        signer.account.address,
        RECEIPT_KEY,
        0n,
      ])
      expect(await registry.read.keyPeriodCount([expected])).to.equal(1n)
    })

    it('behavior: two operators get different ids for the same name and keys; other keys give another id', async () => {
      const { lantern, logId, accounts } = await load()
      await lantern.write.registerOperator([METADATA_URI, LICENSE_HASH], {
        account: accounts.other.account,
      })
      const keys = [accounts.signer.account.address, RECEIPT_KEY, MAX_EPOCH_INTERVAL] as const
      await lantern.write.declareLog([LOG_NAME, ...keys], { account: accounts.other.account })
      const mine = await lantern.read.computeLogId([
        accounts.operator.account.address,
        LOG_NAME,
        ...keys,
      ])
      const theirs = await lantern.read.computeLogId([
        accounts.other.account.address,
        LOG_NAME,
        ...keys,
      ])
      expect(mine).to.equal(logId)
      const op = accounts.operator.account.address
      for (const id of [
        await lantern.read.computeLogId([
          op,
          LOG_NAME,
          accounts.newSigner.account.address,
          RECEIPT_KEY,
          MAX_EPOCH_INTERVAL,
        ]),
        await lantern.read.computeLogId([op, LOG_NAME, keys[0], zeroHash, MAX_EPOCH_INTERVAL]),
        await lantern.read.computeLogId([
          op,
          LOG_NAME,
          keys[0],
          RECEIPT_KEY,
          MAX_EPOCH_INTERVAL + 1n,
        ]),
      ]) {
        expect(id).to.not.equal(mine)
      }
      expect(mine).to.not.equal(theirs)
      expect((await lantern.read.logInfo([theirs])).operator.toLowerCase()).to.equal(
        accounts.other.account.address,
      )
    })

    it('default: retireLog marks the log retired with its final epoch and emits LogRetired', async () => {
      const { viem, lantern, registry, logId, checkpoint, anchor, accounts } = await load()
      await anchor(checkpoint(1n, 3), null)
      await anchor(checkpoint(2n, 5), 3)
      await viem.assertions.emitWithArgs(
        lantern.write.retireLog([logId], { account: accounts.operator.account }),
        lantern,
        'LogRetired',
        [logId, 2n],
      )
      expect((await lantern.read.logInfo([logId])).retired).to.equal(true)
      expect(await registry.read.logStatus([logId])).to.equal(2)
    })

    describe('errors', () => {
      it('reverts declareLog with the error that names each bad argument', async () => {
        const { viem, lantern, accounts } = await load()
        const { operator, signer, other } = accounts
        const max = await lantern.read.MAX_EPOCH_INTERVAL()
        expect(max).to.equal(365n * DAY)
        const cases = [
          [
            other,
            'log',
            signer.account.address,
            RECEIPT_KEY,
            60n,
            'LanternOperatorNotRegistered',
            [other.account.address],
          ],
          [operator, '', signer.account.address, RECEIPT_KEY, 60n, 'LanternEmptyLogName', []],
          [operator, 'log', zeroAddress, RECEIPT_KEY, 60n, 'LanternInvalidSigner', [zeroAddress]],
          [operator, 'log', signer.account.address, zeroHash, 60n, 'LanternZeroReceiptKey', []],
          [
            operator,
            'log',
            signer.account.address,
            RECEIPT_KEY,
            0n,
            'LanternInvalidEpochInterval',
            [0n, max],
          ],
          [
            operator,
            'log',
            signer.account.address,
            RECEIPT_KEY,
            max + 1n,
            'LanternInvalidEpochInterval',
            [max + 1n, max],
          ],
        ] as const
        for (const [from, name, logSigner, key, interval, error, args] of cases) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            lantern.write.declareLog([name, logSigner, key, interval], { account: from.account }),
            lantern,
            error,
            // biome-ignore lint/suspicious/noExplicitAny: each row has the arguments of its own error
            args as any,
          )
        }
        const logId = await lantern.read.computeLogId([
          operator.account.address,
          LOG_NAME,
          signer.account.address,
          RECEIPT_KEY,
          MAX_EPOCH_INTERVAL,
        ])
        // A name is one log of its operator on a chain, whatever keys it is declared with again.
        for (const keys of [
          [signer.account.address, RECEIPT_KEY, MAX_EPOCH_INTERVAL],
          [other.account.address, RECEIPT_KEY, 60n],
        ] as const) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            lantern.write.declareLog([LOG_NAME, ...keys], { account: operator.account }),
            lantern,
            'LanternLogAlreadyDeclared',
            [logId],
          )
        }
        await lantern.write.declareLog(['log', signer.account.address, RECEIPT_KEY, max], {
          account: operator.account,
        })
      })

      it('reverts declareLog with LanternCheckpointRegistryNotSet before the registries are bound', async () => {
        const { viem, accounts } = await load()
        const lonely = await viem.deployContract('LanternRegistry', [
          0,
          accounts.admin.account.address,
        ])
        await lonely.write.registerOperator([METADATA_URI, LICENSE_HASH], {
          account: accounts.operator.account,
        })
        await viem.assertions.revertWithCustomErrorWithArgs(
          lonely.write.declareLog([LOG_NAME, accounts.signer.account.address, RECEIPT_KEY, 60n], {
            account: accounts.operator.account,
          }),
          lonely,
          'LanternCheckpointRegistryNotSet',
          [],
        )
      })

      it('reverts retireLog with LanternUnknownLog, LanternNotLogOperator, LanternLogRetired', async () => {
        const { viem, lantern, logId, accounts } = await load()
        const { operator, other } = accounts
        const unknown = keccak256(stringToHex('unknown log'))
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.retireLog([unknown], { account: operator.account }),
          lantern,
          'LanternUnknownLog',
          [unknown],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.retireLog([logId], { account: other.account }),
          lantern,
          'LanternNotLogOperator',
          [logId, other.account.address],
        )
        await lantern.write.retireLog([logId], { account: operator.account })
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.retireLog([logId], { account: operator.account }),
          lantern,
          'LanternLogRetired',
          [logId],
        )
      })

      it('reverts retireLog of a compromised log with CheckpointLogCompromised', async () => {
        const { viem, lantern, registry, logId, checkpoint, accounts } = await load()
        const a = checkpoint(1n, 2)
        const b = checkpoint(1n, 3)
        await registry.write.reportEquivocation([
          { checkpoint: a, signature: await signCheckpoint(accounts.signer, a) },
          { checkpoint: b, signature: await signCheckpoint(accounts.signer, b) },
        ])
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.retireLog([logId], { account: accounts.operator.account }),
          registry,
          'CheckpointLogCompromised',
          [logId],
        )
      })
    })
  })

  describe('certifications', () => {
    it('default: a certifier grants a certification and CertificationGranted is emitted', async () => {
      const { viem, lantern, accounts } = await load()
      const { operator, certifier } = accounts
      const expiresAt = (await now()) + 30n * DAY
      await viem.assertions.emitWithArgs(
        lantern.write.grantCertification(
          [operator.account.address, PROFILE, expiresAt, EVIDENCE, POLICY_HASHES, MODEL_HASH],
          {
            account: certifier.account,
          },
        ),
        lantern,
        'CertificationGranted',
        [
          operator.account.address,
          certifier.account.address,
          0n,
          PROFILE,
          expiresAt,
          EVIDENCE,
          keccak256(encodePacked(['bytes32[]'], [POLICY_HASHES])),
          MODEL_HASH,
        ],
      )
      expect(await lantern.read.certificationCount([operator.account.address])).to.equal(1n)
      const c = await lantern.read.certificationAt([operator.account.address, 0n])
      expect(c).to.deep.include({
        profile: PROFILE,
        evidenceHash: EVIDENCE,
        expiresAt,
        revokedAt: 0n,
        modelHash: MODEL_HASH,
      })
      expect(c.certifier.toLowerCase()).to.equal(certifier.account.address)
      expect(c.issuedAt).to.equal(await now())
      expect(await lantern.read.certifiedPolicies([operator.account.address, 0n])).to.deep.equal(
        POLICY_HASHES,
      )
      expect(await lantern.read.MAX_CERTIFIED_POLICIES()).to.equal(32n)
    })

    it('behavior: isCertifiedPolicy is true for a certified policy in force, false otherwise', async () => {
      const { lantern, accounts, networkHelpers } = await load()
      const op = accounts.operator.account.address
      const [general, finance, medical] = POLICY_HASHES as [Hex, Hex, Hex]
      const loosened = keccak256(stringToHex('policy general, thresholds loosened'))
      expect(await lantern.read.isCertifiedPolicy([op, general])).to.equal(false)
      const expiresAt = (await now()) + 10n * DAY
      await lantern.write.grantCertification(
        [op, PROFILE, expiresAt, EVIDENCE, [finance, medical], zeroHash],
        {
          account: accounts.certifier.account,
        },
      )
      expect(await lantern.read.isCertifiedPolicy([op, finance])).to.equal(true)
      expect(await lantern.read.isCertifiedPolicy([op, medical])).to.equal(true)
      expect(await lantern.read.isCertifiedPolicy([op, general])).to.equal(false)
      expect(await lantern.read.isCertifiedPolicy([op, loosened])).to.equal(false)
      expect(await lantern.read.isCertifiedPolicy([op, zeroHash])).to.equal(false)
      expect((await lantern.read.certificationAt([op, 0n])).modelHash).to.equal(zeroHash)
      expect(
        await lantern.read.isCertifiedPolicy([accounts.stranger.account.address, finance]),
      ).to.equal(false)
      // Expired, then revoked: no policy is certified any more.
      await networkHelpers.time.increaseTo(expiresAt)
      expect(await lantern.read.isCertifiedPolicy([op, finance])).to.equal(false)
      await lantern.write.renewCertification([op, expiresAt + 10n * DAY, EVIDENCE], {
        account: accounts.certifier.account,
      })
      expect(await lantern.read.isCertifiedPolicy([op, finance])).to.equal(true)
      await lantern.write.revokeCertification([op, REASON], { account: accounts.certifier.account })
      expect(await lantern.read.isCertifiedPolicy([op, finance])).to.equal(false)
    })

    it('behavior: a certification names up to 32 policies, and finds each of them', async () => {
      const { lantern, accounts } = await load()
      const op = accounts.operator.account.address
      const many = Array.from({ length: 32 }, (_, i) =>
        keccak256(stringToHex(`policy ${i}`)),
      ).sort()
      await lantern.write.grantCertification(
        [op, PROFILE, (await now()) + DAY, EVIDENCE, many, MODEL_HASH],
        {
          account: accounts.certifier.account,
        },
      )
      expect(await lantern.read.certifiedPolicies([op, 0n])).to.deep.equal(many)
      for (const policyHash of many) {
        expect(await lantern.read.isCertifiedPolicy([op, policyHash])).to.equal(true)
      }
    })

    it('behavior: renewals and revocations append to a history that stays readable', async () => {
      const { viem, lantern, accounts, networkHelpers } = await load()
      const { operator, certifier } = accounts
      const op = operator.account.address
      const first = (await now()) + 10n * DAY
      await lantern.write.grantCertification(
        [op, PROFILE, first, EVIDENCE, POLICY_HASHES, MODEL_HASH],
        {
          account: certifier.account,
        },
      )
      await networkHelpers.time.increase(20n * DAY)
      const renewed = (await now()) + 30n * DAY
      const evidence2 = keccak256(stringToHex('second audit'))
      await viem.assertions.emitWithArgs(
        lantern.write.renewCertification([op, renewed, evidence2], { account: certifier.account }),
        lantern,
        'CertificationRenewed',
        [op, certifier.account.address, 1n, renewed, evidence2],
      )
      await viem.assertions.emitWithArgs(
        lantern.write.revokeCertification([op, REASON], { account: certifier.account }),
        lantern,
        'CertificationRevoked',
        [op, certifier.account.address, 1n, REASON],
      )
      const profile2 = keccak256(stringToHex('lantern/critical'))
      await lantern.write.grantCertification(
        [op, profile2, renewed, EVIDENCE, POLICY_HASHES, MODEL_HASH],
        {
          account: certifier.account,
        },
      )
      expect(await lantern.read.certificationCount([op])).to.equal(3n)
      const history = await Promise.all(
        [0n, 1n, 2n].map((i) => lantern.read.certificationAt([op, i])),
      )
      expect(history.map((c) => c.expiresAt)).to.deep.equal([first, renewed, renewed])
      expect(history.map((c) => c.profile)).to.deep.equal([PROFILE, PROFILE, profile2])
      // The renewal keeps the scope of what it renews: same policies, same model.
      expect(history.map((c) => c.modelHash)).to.deep.equal([MODEL_HASH, MODEL_HASH, MODEL_HASH])
      expect(await lantern.read.certifiedPolicies([op, 1n])).to.deep.equal(POLICY_HASHES)
      expect(history[1]?.revocationReason).to.equal(REASON)
      expect(history[1]?.revokedAt).to.not.equal(0n)
      expect(history[0]?.revokedAt).to.equal(0n)
      expect(history[2]?.revokedAt).to.equal(0n)
    })

    describe('errors', () => {
      it('reverts grantCertification with the error that names each bad argument', async () => {
        const { viem, lantern, accounts } = await load()
        const { operator, certifier, other } = accounts
        const op = operator.account.address
        const t = await now()
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.grantCertification(
            [op, PROFILE, t + DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
            {
              account: other.account,
            },
          ),
          lantern,
          'AccessControlUnauthorizedAccount',
          [other.account.address, await lantern.read.CERTIFIER_ROLE()],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.grantCertification(
            [other.account.address, PROFILE, t + DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
            {
              account: certifier.account,
            },
          ),
          lantern,
          'LanternOperatorNotRegistered',
          [other.account.address],
        )
        for (const [profile, evidence] of [
          [zeroHash, EVIDENCE],
          [PROFILE, zeroHash],
        ] as const) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            lantern.write.grantCertification(
              [op, profile, t + DAY, evidence, POLICY_HASHES, MODEL_HASH],
              {
                account: certifier.account,
              },
            ),
            lantern,
            'LanternZeroHash',
            [],
          )
        }
        // The next block is one second later: an expiry at that second is already past.
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.grantCertification(
            [op, PROFILE, t + 1n, EVIDENCE, POLICY_HASHES, MODEL_HASH],
            {
              account: certifier.account,
            },
          ),
          lantern,
          'LanternInvalidExpiry',
          [t + 1n, t + 2n],
        )
        await lantern.write.grantCertification(
          [op, PROFILE, t + DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
          {
            account: certifier.account,
          },
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.grantCertification(
            [op, PROFILE, t + 2n * DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
            {
              account: certifier.account,
            },
          ),
          lantern,
          'LanternAlreadyCertified',
          [op, t + DAY],
        )
      })

      it('reverts grantCertification with the error that names each bad policy list: empty, over 32, zero, unsorted, duplicate', async () => {
        const { viem, lantern, accounts } = await load()
        const op = accounts.operator.account.address
        const t = await now()
        const [p0, p1, p2] = POLICY_HASHES as [Hex, Hex, Hex]
        const over = Array.from({ length: 33 }, (_, i) => keccak256(stringToHex(`p${i}`))).sort()
        const cases: [Hex[], string, readonly unknown[]][] = [
          [[], 'LanternPolicyCount', [0n, 32n]],
          [over, 'LanternPolicyCount', [33n, 32n]],
          [[zeroHash, p0], 'LanternZeroPolicyHash', [0n]],
          [[zeroHash], 'LanternZeroPolicyHash', [0n]],
          [[p0, p2, p1], 'LanternPolicyHashesNotSorted', [2n, p2, p1]],
          [[p1, p0], 'LanternPolicyHashesNotSorted', [1n, p1, p0]],
          [[p0, p1, p1], 'LanternDuplicatePolicyHash', [2n, p1]],
        ]
        for (const [policies, error, args] of cases) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            lantern.write.grantCertification(
              [op, PROFILE, t + DAY, EVIDENCE, policies, MODEL_HASH],
              {
                account: accounts.certifier.account,
              },
            ),
            lantern,
            error as 'LanternPolicyCount',
            // biome-ignore lint/suspicious/noExplicitAny: each row has the arguments of its own error
            args as any,
          )
        }
        expect(await lantern.read.certificationCount([op])).to.equal(0n)
      })

      it('reverts renewCertification and revokeCertification with LanternNotCertified, LanternCertificationRevoked, LanternInvalidExpiry, LanternZeroHash', async () => {
        const { viem, lantern, accounts } = await load()
        const { operator, certifier, other } = accounts
        const op = operator.account.address
        const t = await now()
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.renewCertification([op, t + DAY, EVIDENCE], { account: certifier.account }),
          lantern,
          'LanternNotCertified',
          [op],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.revokeCertification([op, REASON], { account: certifier.account }),
          lantern,
          'LanternNotCertified',
          [op],
        )
        await lantern.write.grantCertification(
          [op, PROFILE, t + 10n * DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
          {
            account: certifier.account,
          },
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.renewCertification([op, t + 10n * DAY, EVIDENCE], {
            account: certifier.account,
          }),
          lantern,
          'LanternInvalidExpiry',
          [t + 10n * DAY, t + 10n * DAY + 1n],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.renewCertification([op, t + 20n * DAY, zeroHash], {
            account: certifier.account,
          }),
          lantern,
          'LanternZeroHash',
          [],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.revokeCertification([op, zeroHash], { account: certifier.account }),
          lantern,
          'LanternZeroHash',
          [],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          lantern.write.revokeCertification([op, REASON], { account: other.account }),
          lantern,
          'AccessControlUnauthorizedAccount',
          [other.account.address, await lantern.read.CERTIFIER_ROLE()],
        )
        await lantern.write.revokeCertification([op, REASON], { account: certifier.account })
        for (const call of [
          () =>
            lantern.write.renewCertification([op, t + 20n * DAY, EVIDENCE], {
              account: certifier.account,
            }),
          () => lantern.write.revokeCertification([op, REASON], { account: certifier.account }),
        ]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            call(),
            lantern,
            'LanternCertificationRevoked',
            [op, 0n],
          )
        }
      })
    })
  })

  describe('lanternStatus', () => {
    it('behavior: never certified, lit, expired (time travel), renewed, revoked', async () => {
      const { lantern, accounts, networkHelpers, checkpoint, anchor } = await load()
      const { operator, certifier } = accounts
      const op = operator.account.address
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([
        false,
        Reason.NeverCertified,
        zeroHash,
      ])
      expect(await lantern.read.lanternStatus([accounts.stranger.account.address])).to.deep.equal([
        false,
        Reason.NeverCertified,
        zeroHash,
      ])
      const expiresAt = (await now()) + 2n * 3600n
      await lantern.write.grantCertification(
        [op, PROFILE, expiresAt, EVIDENCE, POLICY_HASHES, MODEL_HASH],
        {
          account: certifier.account,
        },
      )
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([true, Reason.None, zeroHash])

      // Keep the log fresh while the certification runs out.
      await networkHelpers.time.increaseTo(expiresAt - 60n)
      await anchor(checkpoint(1n, 4, { timestamp: await now() }), null)
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([true, Reason.None, zeroHash])
      await networkHelpers.time.increaseTo(expiresAt)
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([
        false,
        Reason.Expired,
        zeroHash,
      ])

      await lantern.write.renewCertification([op, expiresAt + DAY, EVIDENCE], {
        account: certifier.account,
      })
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([true, Reason.None, zeroHash])
      await lantern.write.revokeCertification([op, REASON], { account: certifier.account })
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([
        false,
        Reason.Revoked,
        zeroHash,
      ])
    })

    it('behavior: a log without a checkpoint for longer than its interval darkens the Lantern; anchoring or retiring lights it', async () => {
      const { lantern, logId, accounts, networkHelpers, checkpoint, anchor } = await load()
      const { operator, certifier } = accounts
      const op = operator.account.address
      await lantern.write.grantCertification(
        [op, PROFILE, (await now()) + 30n * DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
        {
          account: certifier.account,
        },
      )
      const declaredAt = (await lantern.read.logInfo([logId])).declaredAt
      await networkHelpers.time.increaseTo(declaredAt + MAX_EPOCH_INTERVAL)
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([true, Reason.None, zeroHash])
      await networkHelpers.time.increase(1)
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([false, Reason.LogStale, logId])

      const t = (await now()) + 1n
      await networkHelpers.time.setNextBlockTimestamp(t)
      await anchor(checkpoint(1n, 5, { timestamp: t }), null)
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([true, Reason.None, zeroHash])
      await networkHelpers.time.increaseTo(t + MAX_EPOCH_INTERVAL + 1n)
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([false, Reason.LogStale, logId])
      await lantern.write.retireLog([logId], { account: operator.account })
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([true, Reason.None, zeroHash])
    })

    it('behavior: a log caught equivocating darkens the Lantern for good, even retired and certified', async () => {
      const { lantern, registry, logId, accounts, checkpoint } = await load()
      const { operator, certifier, signer } = accounts
      const op = operator.account.address
      await lantern.write.grantCertification(
        [op, PROFILE, (await now()) + 30n * DAY, EVIDENCE, POLICY_HASHES, MODEL_HASH],
        {
          account: certifier.account,
        },
      )
      await lantern.write.declareLog(['gateway-2', signer.account.address, RECEIPT_KEY, 60n], {
        account: operator.account,
      })
      const a = checkpoint(1n, 2)
      const b = checkpoint(1n, 3)
      await lantern.write.retireLog([logId], { account: operator.account })
      await registry.write.reportEquivocation([
        { checkpoint: a, signature: await signCheckpoint(signer, a) },
        { checkpoint: b, signature: await signCheckpoint(signer, b) },
      ])
      expect(await lantern.read.lanternStatus([op])).to.deep.equal([
        false,
        Reason.LogEquivocated,
        logId,
      ])
    })
  })

  describe('administration', () => {
    it('default: the admin binds the CheckpointRegistry once and CheckpointRegistrySet is emitted', async () => {
      const { viem, accounts } = await load()
      const lantern = await viem.deployContract('LanternRegistry', [
        0,
        accounts.admin.account.address,
      ])
      const registry = await viem.deployContract('CheckpointRegistry', [lantern.address])
      const foreign = await viem.deployContract('CheckpointRegistry', [
        accounts.admin.account.address,
      ])
      expect(await lantern.read.checkpointRegistry()).to.equal(zeroAddress)
      await viem.assertions.revertWithCustomErrorWithArgs(
        lantern.write.setCheckpointRegistry([registry.address], {
          account: accounts.other.account,
        }),
        lantern,
        'AccessControlUnauthorizedAccount',
        [accounts.other.account.address, zeroHash],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        lantern.write.setCheckpointRegistry([foreign.address]),
        lantern,
        'LanternCheckpointRegistryMismatch',
        [foreign.address, accounts.admin.account.address],
      )
      await viem.assertions.emitWithArgs(
        lantern.write.setCheckpointRegistry([registry.address]),
        lantern,
        'CheckpointRegistrySet',
        [registry.address],
      )
      expect((await lantern.read.checkpointRegistry()).toLowerCase()).to.equal(registry.address)
      await viem.assertions.revertWithCustomErrorWithArgs(
        lantern.write.setCheckpointRegistry([registry.address]),
        lantern,
        'LanternCheckpointRegistryAlreadySet',
        [registry.address],
      )
    })

    it('behavior: handing over the admin role waits for the delay (AccessControlDefaultAdminRules)', async () => {
      const { viem, lantern, accounts, networkHelpers } = await load()
      const { admin, other } = accounts
      expect((await lantern.read.defaultAdmin()).toLowerCase()).to.equal(admin.account.address)
      await lantern.write.beginDefaultAdminTransfer([other.account.address])
      const [, schedule] = await lantern.read.pendingDefaultAdmin()
      await viem.assertions.revertWithCustomErrorWithArgs(
        lantern.write.acceptDefaultAdminTransfer({ account: other.account }),
        lantern,
        'AccessControlEnforcedDefaultAdminDelay',
        [schedule],
      )
      await networkHelpers.time.increaseTo(BigInt(schedule) + 1n)
      await lantern.write.acceptDefaultAdminTransfer({ account: other.account })
      expect((await lantern.read.defaultAdmin()).toLowerCase()).to.equal(other.account.address)
    })
  })
})
