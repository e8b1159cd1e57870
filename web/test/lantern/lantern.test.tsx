import { fireEvent, render, screen, within } from '@testing-library/react'
import { lanternRegistryAbi } from '@tml/core'
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  keccak256,
  stringToHex,
  UserRejectedRequestError,
} from 'viem'
import { describe, expect, test } from 'vitest'
import { describeProfile, hashOfText, profileName } from '../../src/lantern/labels.ts'
import { LICENSE_TEXT, licenseHash } from '../../src/lantern/license.ts'
import { OperatorList } from '../../src/lantern/OperatorList.tsx'
import { RetireLogForm } from '../../src/lantern/RetireLog.tsx'
import { readMetadataUri } from '../../src/lantern/readMetadataUri.ts'
import type { LogView, OperatorView } from '../../src/lantern/readRegistry.ts'
import { walletChoices } from '../../src/wallet/WalletBar.tsx'
import { writeErrorText } from '../../src/wallet/writeErrorText.ts'

const operator = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

describe('labels', () => {
  test('default: text is hashed, a 32-byte hash is kept, known profiles get their label back', () => {
    expect(hashOfText(' audit report ')).toBe(keccak256(stringToHex('audit report')))
    expect(hashOfText(`0x${'AB'.repeat(32)}`)).toBe(`0x${'ab'.repeat(32)}`)
    expect(profileName(keccak256(stringToHex('lantern/medical')))).toBe('lantern/medical')
    expect(profileName(`0x${'12'.repeat(32)}`)).toBe(`0x${'12'.repeat(32)}`)
    expect(licenseHash()).toBe(keccak256(stringToHex(LICENSE_TEXT)))
  })

  test('behavior: a profile is known by its console label or its gateway profile name, else it is a hash', () => {
    expect(describeProfile(keccak256(stringToHex('general')))).toEqual({
      known: true,
      label: 'general',
    })
    expect(describeProfile(keccak256(stringToHex('lantern/finance')).toUpperCase())).toMatchObject({
      known: true,
    })
    expect(describeProfile(`0x${'12'.repeat(32)}`)).toEqual({
      known: false,
      hash: `0x${'12'.repeat(32)}`,
    })
  })
})

describe('readMetadataUri', () => {
  test('behavior: a data: URI of JSON shows its fields; https and ipfs are links; the rest is text', () => {
    expect(readMetadataUri('data:application/json,{"name":"TML Anchor demo operator"}')).toEqual({
      kind: 'fields',
      fields: [{ name: 'name', value: 'TML Anchor demo operator' }],
      more: 0,
    })
    const base64 = `data:application/json;base64,${btoa(JSON.stringify({ name: 'B', tags: ['x'] }))}`
    expect(readMetadataUri(base64)).toEqual({
      kind: 'fields',
      fields: [
        { name: 'name', value: 'B' },
        { name: 'tags', value: '["x"]' },
      ],
      more: 0,
    })
    expect(readMetadataUri('https://operator.example/tml.json')).toEqual({
      kind: 'link',
      href: 'https://operator.example/tml.json',
      text: 'https://operator.example/tml.json',
    })
    expect(readMetadataUri('ipfs://bafybeigdyrzt5/meta.json')).toMatchObject({
      kind: 'link',
      href: 'https://ipfs.io/ipfs/bafybeigdyrzt5/meta.json',
    })
    expect(readMetadataUri('javascript:alert(1)')).toEqual({
      kind: 'text',
      text: 'javascript:alert(1)',
    })
    expect(readMetadataUri('')).toEqual({ kind: 'none' })
  })

  test('errors: a data: URI that is not a JSON object or does not decode is text, said so', () => {
    expect(readMetadataUri('data:text/plain,hello%20there')).toEqual({
      kind: 'text',
      text: 'hello there',
      note: 'inline text',
    })
    expect(readMetadataUri('data:application/json,%E0%A4%A')).toMatchObject({
      kind: 'text',
      note: 'a data: URI that does not decode',
    })
  })
})

describe('walletChoices', () => {
  const legacy = { id: 'injected', type: 'injected', uid: 'a' }
  const rabby = { id: 'io.rabby', type: 'injected', uid: 'b' }
  const mock = { id: 'mock', type: 'mock', uid: 'c' }
  test('behavior: announced wallets (EIP-6963) replace the legacy one; with none, why the button is greyed', () => {
    expect(walletChoices([legacy, rabby, mock], true)).toEqual({
      wallets: [rabby],
      mock: [mock],
      missing: undefined,
    })
    expect(walletChoices([legacy, mock], true).wallets).toEqual([legacy])
    expect(walletChoices([legacy, mock], false)).toEqual({
      wallets: [],
      mock: [mock],
      missing: legacy,
    })
  })
})

describe('writeErrorText', () => {
  test('behavior: a registry revert shows its custom error with its arguments', () => {
    const data = encodeErrorResult({
      abi: lanternRegistryAbi,
      errorName: 'LanternNotCertified',
      args: [operator],
    })
    const reverted = new ContractFunctionRevertedError({
      abi: lanternRegistryAbi,
      data,
      functionName: 'renewCertification',
    })
    const error = new ContractFunctionExecutionError(reverted, {
      abi: lanternRegistryAbi,
      functionName: 'renewCertification',
      args: [],
    })
    expect(writeErrorText(error)).toBe(`The registry refused: LanternNotCertified(${operator})`)
  })

  test('behavior: a refusal in the wallet, and anything else', () => {
    expect(writeErrorText(new UserRejectedRequestError(new Error('no')))).toBe(
      'You refused the request in your wallet.',
    )
    expect(writeErrorText(new Error('network down\nstack…'))).toBe('network down')
  })
})

describe('OperatorList', () => {
  const base: OperatorView = {
    address: operator,
    metadataURI: 'https://operator.example/tml.json',
    licenseHash: licenseHash(),
    registeredAt: 1_700_000_000n,
    lit: false,
    reason: 4,
    faultyLog: `0x${'11'.repeat(32)}`,
    logs: [
      {
        logId: `0x${'11'.repeat(32)}`,
        name: 'gateway-1',
        signer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
        receiptKey: `0x${'22'.repeat(32)}`,
        maxEpochInterval: 3600n,
        declaredAt: 1_700_000_000n,
        retired: false,
        headEpoch: 3n,
        headTime: 1_700_000_600n,
        keyPeriods: [
          {
            index: 0,
            signer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
            receiptKey: `0x${'22'.repeat(32)}`,
            fromEpoch: 1n,
          },
        ],
      },
    ],
    certifications: [
      {
        index: 0,
        profile: keccak256(stringToHex('lantern/finance')),
        certifier: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
        issuedAt: 1_700_000_000n,
        expiresAt: 1_800_000_000n,
        revokedAt: 0n,
        evidenceHash: `0x${'33'.repeat(32)}`,
        revocationReason: `0x${'00'.repeat(32)}`,
        policyHashes: [`0x${'44'.repeat(32)}`, `0x${'55'.repeat(32)}`],
        modelHash: undefined,
      },
    ],
  }

  test('default: a dark Lantern says why and names the log at fault', () => {
    render(<OperatorList operators={[base]} explorer={{}} now={1_750_000_000n} />)
    const item = screen.getByRole('listitem')
    expect(item.getAttribute('data-lit')).toBe('false')
    expect(within(item).getByText('Lantern dark')).toBeTruthy()
    expect(item.querySelector('[data-lantern-reason]')?.textContent).toBe(
      'Dark: a log has not anchored within its maximum epoch interval (log gateway-1).',
    )
    const tables = within(item).getAllByRole('table')
    expect(tables[0]?.textContent).toContain('epoch 3, 2023-11-14 22:23:20 UTC')
    expect(tables[1]?.textContent).toContain('lantern/finance')
    expect(tables[1]?.textContent).toContain('in force')
    expect(item.querySelector('[data-policies]')?.textContent).toBe(
      `0x${'44'.repeat(32)}0x${'55'.repeat(32)}`,
    )
    expect(item.querySelector('[data-model]')?.textContent).toBe('none named')
  })

  test('behavior: a rotated log shows its current keys and since which epoch', () => {
    const [log] = base.logs
    if (log === undefined) throw new Error('fixture')
    const rotated = {
      ...log,
      keyPeriods: [
        ...log.keyPeriods,
        {
          index: 1,
          signer: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' as const,
          receiptKey: `0x${'66'.repeat(32)}` as const,
          fromEpoch: 40n,
        },
      ],
    }
    render(<OperatorList operators={[{ ...base, logs: [rotated] }]} explorer={{}} now={0n} />)
    const row = screen.getByRole('listitem').querySelector(`tr[data-log="${log.logId}"]`)
    expect(row?.textContent).toContain(
      '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 key period 1, since epoch 40',
    )
    expect(row?.textContent).toContain(`0x${'66'.repeat(32)}`)
  })

  test('behavior: a lit Lantern; an empty registry', () => {
    const { unmount } = render(
      <OperatorList
        operators={[{ ...base, lit: true, reason: 0, faultyLog: undefined }]}
        explorer={{}}
        now={1_900_000_000n}
      />,
    )
    expect(screen.getByText('◆ Lantern lit')).toBeTruthy()
    expect(screen.getByText('expired')).toBeTruthy()
    unmount()
    render(<OperatorList operators={[]} explorer={{}} now={0n} />)
    expect(screen.getByText('No operator has registered on this chain yet.')).toBeTruthy()
  })
})

describe('RetireLogForm', () => {
  const log = (name: string, byte: string, retired = false): LogView => ({
    logId: `0x${byte.repeat(32)}`,
    name,
    signer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    receiptKey: `0x${'22'.repeat(32)}`,
    maxEpochInterval: 3600n,
    declaredAt: 1_700_000_000n,
    retired,
    headEpoch: 2n,
    headTime: 1_700_000_600n,
    keyPeriods: [],
  })
  const logs = [log('old-log', 'aa', true), log('gateway-1', '11'), log('gateway-2', '12')]

  test('default: asks to confirm, naming the log, before sending; cancel sends nothing', () => {
    const sent: string[] = []
    render(
      <RetireLogForm
        logs={logs}
        state={{ status: 'idle' }}
        busy={false}
        onRetire={(id) => sent.push(id)}
      />,
    )
    const select = screen.getByLabelText('Log to retire') as HTMLSelectElement
    // Retired logs are not offered.
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'gateway-1 (epoch 2)',
      'gateway-2 (epoch 2)',
    ])
    fireEvent.change(select, { target: { value: `0x${'12'.repeat(32)}` } })
    fireEvent.click(screen.getByRole('button', { name: 'Retire log…' }))
    expect(sent).toEqual([])
    expect(screen.getByRole('alert').textContent).toContain('Retire “gateway-2”')
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alert')).toBeNull()
    expect(sent).toEqual([])
    fireEvent.click(screen.getByRole('button', { name: 'Retire log…' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, retire “gateway-2”' }))
    expect(sent).toEqual([`0x${'12'.repeat(32)}`])
  })

  test('behavior: pending disables the buttons; confirmed and errors are shown', () => {
    const hash = `0x${'ee'.repeat(32)}` as const
    const { rerender } = render(
      <RetireLogForm logs={logs} state={{ status: 'pending', hash }} busy onRetire={() => {}} />,
    )
    expect(
      (screen.getByRole('button', { name: 'Retire log…' }) as HTMLButtonElement).disabled,
    ).toBe(true)
    expect(screen.getByRole('status').textContent).toBe(
      `Pending: transaction ${hash} sent, waiting for a block…`,
    )
    rerender(
      <RetireLogForm
        logs={logs}
        state={{ status: 'error', message: 'The registry refused: LanternLogRetired(0x11…)' }}
        busy={false}
        onRetire={() => {}}
      />,
    )
    expect(screen.getByRole('status').textContent).toBe(
      'Error: The registry refused: LanternLogRetired(0x11…)',
    )
    // Once every log is retired, the confirmation stays in view; with nothing to show, no form.
    const allRetired = logs.map((l) => ({ ...l, retired: true }))
    rerender(
      <RetireLogForm
        logs={allRetired}
        state={{ status: 'confirmed', hash, blockNumber: 7n }}
        busy={false}
        onRetire={() => {}}
      />,
    )
    expect(screen.getByRole('status').textContent).toBe(
      `Confirmed in block 7 (transaction ${hash}).`,
    )
    expect(screen.queryByLabelText('Log to retire')).toBeNull()
    rerender(
      <RetireLogForm
        logs={allRetired}
        state={{ status: 'idle' }}
        busy={false}
        onRetire={() => {}}
      />,
    )
    expect(screen.queryByRole('form')).toBeNull()
  })

  test('behavior: the registry list marks a retired log', () => {
    render(
      <OperatorList
        operators={[
          {
            address: operator,
            metadataURI: '',
            licenseHash: licenseHash(),
            registeredAt: 1n,
            lit: false,
            reason: 1,
            faultyLog: undefined,
            logs,
            certifications: [],
          },
        ]}
        explorer={{}}
        now={2n}
      />,
    )
    const row = document.querySelector(`tr[data-log="0x${'aa'.repeat(32)}"]`)
    expect(row?.getAttribute('data-retired')).toBe('true')
    expect(row?.textContent).toContain('old-log retired')
  })
})
