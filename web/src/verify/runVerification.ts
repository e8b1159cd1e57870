import { type Mtl, type ReadCheckpoint, type VerificationStep, verifyBundle } from '@tml/core'
import { createReadCheckpoint } from '../chain/createReadCheckpoint.ts'
import { type AnchorDetails, readAnchorDetails } from '../chain/readAnchorDetails.ts'
import { type LogKeys, readLogKeys } from '../chain/readLogKeys.ts'
import type { AppConfig } from '../config/AppConfig.ts'
import { describeOts } from './describeOts.ts'
import { peekBundle } from './peekBundle.ts'
import type { OtsSummary } from './readOts.ts'

/** `info` and `warn` are shown but do not decide the verdict; nor does the OpenTimestamps line. */
export type ShownStatus = 'running' | 'ok' | 'failed' | 'info' | 'warn'

/** One row of the verification as the page shows it. */
export type ShownStep = { id: string; title: string; status: ShownStatus; reason?: string }

/** The state of a verification, from the first update to the verdict. */
export type VerificationState = {
  done: boolean
  /** Undefined until done. */
  valid: boolean | undefined
  steps: ShownStep[]
  mtl: Mtl | undefined
  keys: LogKeys | undefined
  anchors: AnchorDetails[]
  ots: OtsSummary | undefined
  /** Time of core's verification without chain reads, in milliseconds. */
  offlineMs: number
}

export type RunVerificationParameters = {
  value: unknown
  config: AppConfig
  onUpdate?: (state: VerificationState) => void
  /** Chain reader; defaults to the configured registries (tests pass their own). */
  readCheckpoint?: ReadCheckpoint
  /** Reads the log's keys; defaults to {@link readLogKeys} on the configured chains. */
  readKeys?: typeof readLogKeys
  readDetails?: typeof readAnchorDetails
}

const OFFLINE_STEPS = new Set(['bundle', 'mtl', 'leafHash', 'inclusion'])
const KEY_STEPS = new Set(['checkpointSignature', 'receiptSignature'])
const KEYS_TITLE = "The log's keys are read from the chain's registries"

/**
 * Verifies a bundle for the page and reports each step as it settles: first the offline steps
 * (shape, MTL, leaf hash, inclusion: core's `verifyBundle` with no chain), then the log's keys
 * read from the chain, then the signatures against those keys and each chain's anchor, then the
 * verdict. The verdict is core's, plus the keys step: a bundle whose log the chains do not know
 * is not verified. OpenTimestamps (the checkpoint root's stamp) is shown but never decides. Never
 * throws.
 *
 * Spec: core `verifyBundle`; ARCHITECTURE.md, Proof bundle.
 *
 * @example
 * const state = await runVerification({ value: JSON.parse(text), config, onUpdate: setState })
 * state.valid // true when every step passed
 */
export async function runVerification({
  value,
  config,
  onUpdate,
  readCheckpoint = createReadCheckpoint(config),
  readKeys = readLogKeys,
  readDetails = readAnchorDetails,
}: RunVerificationParameters): Promise<VerificationState> {
  const peek = peekBundle(value)
  const state: VerificationState = {
    done: false,
    valid: undefined,
    steps: [],
    mtl: peek.mtl,
    keys: undefined,
    anchors: [],
    ots: undefined,
    offlineMs: 0,
  }
  const publish = () => onUpdate?.({ ...state, steps: [...state.steps] })

  const started = performance.now()
  const offline = await verifyBundle(value, { readCheckpoint: notReadYet })
  state.offlineMs = performance.now() - started
  const { step: otsStep, summary: ots } = describeOts(peek.ots, peek.checkpoint)
  state.ots = ots
  state.steps = withKeysStep(
    offline.steps.map((step) =>
      OFFLINE_STEPS.has(step.id)
        ? shown(step)
        : { id: step.id, title: step.title, status: 'running' },
    ),
    { id: 'keys', title: KEYS_TITLE, status: 'running' },
  )
  state.steps.push(otsStep)
  publish()

  const checkpoint = peek.checkpoint
  const details = Promise.all(
    checkpoint === undefined
      ? []
      : peek.anchors.map((anchor) => readDetails({ config, anchor, checkpoint })),
  )
  let keys: LogKeys
  if (checkpoint === undefined)
    keys = { ok: false, reason: 'not checked: the checkpoint is malformed (see the bundle step)' }
  else {
    try {
      keys = await readKeys({
        config,
        logId: checkpoint.logId,
        epoch: BigInt(checkpoint.epoch),
        chainIds: peek.anchors.map((a) => a.chainId),
      })
    } catch (error) {
      keys = { ok: false, reason: String(error) }
    }
  }
  state.keys = keys
  state.steps = state.steps.map((step) => (step.id === 'keys' ? keysStep(keys) : step))
  publish()

  const final = await verifyBundle(value, {
    readCheckpoint,
    trustedKeys: keys.ok ? keys.keys : undefined,
  })
  state.steps = [...withKeysStep(final.steps.map(shown), keysStep(keys)), otsStep]
  state.anchors = await details
  state.valid = final.valid && keys.ok
  state.done = true
  publish()
  return { ...state }
}

const notReadYet: ReadCheckpoint = async () => {
  throw new Error('not read yet')
}

function shown(step: VerificationStep): ShownStep {
  const out: ShownStep = { id: step.id, title: step.title, status: step.ok ? 'ok' : 'failed' }
  if (step.reason !== undefined) out.reason = step.reason
  return out
}

// The keys step goes right before the signature steps that use the keys.
function withKeysStep(steps: ShownStep[], keys: ShownStep): ShownStep[] {
  const at = steps.findIndex((s) => KEY_STEPS.has(s.id))
  if (at < 0) return [...steps, keys]
  return [...steps.slice(0, at), keys, ...steps.slice(at)]
}

function keysStep(keys: LogKeys): ShownStep {
  if (keys.ok)
    return {
      id: 'keys',
      title: KEYS_TITLE,
      status: 'ok',
      reason: `log "${keys.name}" of operator ${keys.operator} on chain ${keys.chainId}: checkpoint signer ${keys.keys.checkpointSigner}, receipt key commitment ${keys.keys.receiptKeyCommitment}`,
    }
  return { id: 'keys', title: KEYS_TITLE, status: 'failed', reason: keys.reason }
}
