import {
  assertCanonicalSignature,
  CASE_REQUEST_MAX_WINDOW_S,
  type CaseRequestMessage,
  caseRequestTypedData,
  type Hex,
} from '@tml/core'
import { recoverTypedDataAddress } from 'viem'

/** The body of `POST /v1/pauses/{id}/case`: a {@link CaseRequestMessage} in snake case, signed. */
export type CaseRequestBody = {
  log_id: Hex
  pause_id: string
  nonce: Hex
  issued_at: number
  expires_at: number
  signature: Hex
}

/** Why a case request is refused before the pause is looked at, with its HTTP status. */
export type CaseRequestRejection = {
  status: 400 | 401
  error:
    | 'wrong_pause'
    | 'wrong_log'
    | 'window_too_long'
    | 'not_yet_valid'
    | 'expired'
    | 'malformed_signature'
  message: string
  field: string
}

/** How far ahead of the gateway's clock a reviewer's `issued_at` may be (clock skew), in seconds. */
export const CASE_REQUEST_SKEW_S = 60

/**
 * Checks a reviewer's signed case request against the pause it is posted for, the log, and the
 * time: the signed pause id and log id must be the route's (a request for one pause cannot open
 * another, 400), the window at most five minutes (400), not issued in the future beyond a minute
 * of clock skew (400), not expired (401), and the signature a canonical secp256k1 one from which
 * a signer can be recovered (400). Returns the signer's lower-case address and the message; the
 * caller then checks that the signer is a reviewer of the pause's policy and that the nonce is
 * new.
 *
 * Spec: EIP-712; docs/formats.md, Case requests.
 *
 * @example
 * const checked = await verifyCaseRequest({ body, pauseId, logId, now: Math.floor(Date.now() / 1000) })
 * if ('error' in checked) reply.code(checked.status).send(checked)
 */
export async function verifyCaseRequest({
  body,
  pauseId,
  logId,
  now,
}: {
  body: CaseRequestBody
  pauseId: string
  logId: Hex
  now: number
}): Promise<{ signer: Hex; message: CaseRequestMessage } | CaseRequestRejection> {
  if (body.pause_id !== pauseId)
    return {
      status: 400,
      error: 'wrong_pause',
      message: `the request was signed for pause ${body.pause_id}, not ${pauseId}`,
      field: 'pause_id',
    }
  if (body.log_id.toLowerCase() !== logId.toLowerCase())
    return {
      status: 400,
      error: 'wrong_log',
      message: `the request was signed for log ${body.log_id}, not this gateway's log ${logId}`,
      field: 'log_id',
    }
  if (
    body.expires_at - body.issued_at > CASE_REQUEST_MAX_WINDOW_S ||
    body.expires_at < body.issued_at
  )
    return {
      status: 400,
      error: 'window_too_long',
      message: `expires_at must be within ${CASE_REQUEST_MAX_WINDOW_S} s after issued_at (got ${body.expires_at - body.issued_at} s)`,
      field: 'expires_at',
    }
  if (body.issued_at > now + CASE_REQUEST_SKEW_S)
    return {
      status: 400,
      error: 'not_yet_valid',
      message: `issued_at ${body.issued_at} is in the future (gateway time ${now}): check the clock`,
      field: 'issued_at',
    }
  if (now > body.expires_at)
    return {
      status: 401,
      error: 'expired',
      message: `the request expired at ${body.expires_at} (gateway time ${now}): sign a new one`,
      field: 'expires_at',
    }
  const message: CaseRequestMessage = {
    logId: body.log_id.toLowerCase() as Hex,
    pauseId: body.pause_id,
    nonce: body.nonce.toLowerCase() as Hex,
    issuedAt: BigInt(body.issued_at),
    expiresAt: BigInt(body.expires_at),
  }
  const signature = body.signature.toLowerCase() as Hex
  // One valid form per request (EIP-2 low s, v 27/28), as for resolutions.
  try {
    assertCanonicalSignature(signature)
  } catch (e) {
    return {
      status: 400,
      error: 'malformed_signature',
      message: `signature: ${(e as { shortMessage?: string }).shortMessage ?? 'invalid'}`,
      field: 'signature',
    }
  }
  try {
    const signer = await recoverTypedDataAddress({ ...caseRequestTypedData(message), signature })
    return { signer: signer.toLowerCase() as Hex, message }
  } catch {
    return {
      status: 400,
      error: 'malformed_signature',
      message: 'signature: no signer can be recovered',
      field: 'signature',
    }
  }
}
