import { type Hex, hexToBytes } from '@tml/core'
import { VaultError } from './VaultError.ts'
import type { SealedEntry, StoredEpochKey } from './VaultStore.ts'

async function getJson(url: string, what: string): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } })
  } catch (e) {
    throw new VaultError(`${what}: the gateway at ${url} does not answer`, {
      code: 'TML_VAULT_FORMAT',
      cause: e,
    })
  }
  if (!response.ok)
    throw new VaultError(
      `${what}: the gateway answered ${response.status} (${await response.text()})`,
      {
        code: 'TML_VAULT_FORMAT',
      },
    )
  return response.json()
}

/**
 * A vault epoch's wrapped shares from a gateway (`GET /v1/vault/epochs/{epoch}`).
 *
 * @example
 * const wrapped = await fetchVaultEpoch({ gatewayUrl: 'https://gw.example', epoch: 3 })
 */
export async function fetchVaultEpoch({
  gatewayUrl,
  epoch,
}: {
  gatewayUrl: string
  epoch: number
}): Promise<StoredEpochKey> {
  const body = (await getJson(
    new URL(`/v1/vault/epochs/${epoch}`, gatewayUrl).href,
    `vault epoch ${epoch}`,
  )) as {
    epoch: number
    opened_ms: number
    threshold: number
    shares: { custodian: string; public_key: Hex; enc: Hex; ciphertext: Hex }[]
  }
  return {
    epoch: body.epoch,
    openedMs: body.opened_ms,
    threshold: body.threshold,
    shares: body.shares.map((s) => ({
      custodian: s.custodian,
      publicKey: s.public_key,
      enc: s.enc,
      ciphertext: s.ciphertext,
    })),
  }
}

/**
 * A sealed record's envelope from a gateway (`GET /v1/vault/records/{traceId}`).
 *
 * @example
 * const sealed = await fetchSealedRecord({ gatewayUrl: 'https://gw.example', traceId })
 */
export async function fetchSealedRecord({
  gatewayUrl,
  traceId,
}: {
  gatewayUrl: string
  traceId: string
}): Promise<SealedEntry> {
  const body = (await getJson(
    new URL(`/v1/vault/records/${encodeURIComponent(traceId)}`, gatewayUrl).href,
    `sealed record ${traceId}`,
  )) as { trace_id: string; seq: number; epoch: number; envelope: Hex }
  return {
    seq: body.seq,
    traceId: body.trace_id,
    epoch: body.epoch,
    envelope: hexToBytes(body.envelope),
  }
}
