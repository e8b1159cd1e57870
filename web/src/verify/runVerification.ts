import {
  type AnchoredOn,
  type BitcoinHeaderSource,
  type BundleParts,
  type Checkpoint,
  type Mtl,
  type ProofStatus,
  type ProofVerdict,
  readBundle,
  VERIFY_STEP_ORDER,
  type VerificationStep,
  type VerifierChain,
  validateMtl,
  verifyProof,
} from '@tml/core'
import { verifierChains } from '../chain/verifierChains.ts'
import type { AppConfig } from '../config/AppConfig.ts'
import { errorText } from '../ui/errorText.ts'

/**
 * `ok`, `failed`: checked, and the outcome. `unchecked`: this page could not check it (a chain
 * it cannot read); never shown as passed. `warn`: checked, and worth a reader's attention
 * without deciding (a dark Lantern, an uncertified policy, a timestamp still pending).
 */
export type ShownStatus = 'ok' | 'failed' | 'unchecked' | 'warn'

/**
 * One step as the page shows it: what it checks, its outcome, what the outcome means in plain
 * words (`meaning`) and the technical detail (`detail`: expected and found).
 */
export type ShownStep = {
  id: string
  title: string
  status: ShownStatus
  meaning?: string | undefined
  detail?: string | undefined
}

/** The state of a verification, from the first step to the verdict. */
export type VerificationState = {
  done: boolean
  /** Undefined until done. */
  valid: boolean | undefined
  /** Core's verdict in one word; undefined until done. */
  status: ProofStatus | undefined
  /** The steps completed so far, each once, in the verdict's order. */
  steps: ShownStep[]
  /** What was and was not checked, in one sentence (core's); undefined until done. */
  summary: string | undefined
  /** Where the chains hold the checkpoint: block, time, transaction. */
  anchoredOn: AnchoredOn[]
  /** The bundle's record when it follows mtl/1: a verified decision only when `valid`. */
  mtl: Mtl | undefined
  /** The bundle's `mtl` object as it is: what the bundle claims. */
  claimed: Record<string, unknown> | undefined
  checkpoint: Checkpoint | undefined
  /** The bundle's OpenTimestamps proof (base64 of the `.ots` file) when well-formed. */
  otsBase64: string | undefined
  /** Time until core's offline steps (shape, record, leaf hash, inclusion) are done, in ms. */
  offlineMs: number
}

export type RunVerificationParameters = {
  value: unknown
  config: AppConfig
  onUpdate?: (state: VerificationState) => void
  /** The chains to read; defaults to the page's configuration ({@link verifierChains}). */
  chains?: VerifierChain[]
  /** Where Bitcoin block headers come from, to check the `.ots`; without it that is not checked. */
  bitcoin?: BitcoinHeaderSource | undefined
}

/**
 * Verifies a bundle for the page with core's one verifier (`verifyProof`), against the chains
 * and registries of this page's configuration, and shows each step once, as it completes. The
 * trust rules (pinned registries, keys from every chain agreeing, roots agreeing, a compromised
 * log failing) are core's; this adapter only reads the bundle's parts for display (through
 * core's `readBundle`) and shapes the steps for the page. Never throws.
 *
 * Spec: core `verifyProof`; ARCHITECTURE.md, Proof bundle.
 *
 * @example
 * const state = await runVerification({ value: JSON.parse(text), config, onUpdate: setState })
 * state.valid // true when no step failed
 */
export async function runVerification({
  value,
  config,
  onUpdate,
  chains,
  bitcoin,
}: RunVerificationParameters): Promise<VerificationState> {
  const parts = readParts(value)
  const state: VerificationState = {
    done: false,
    valid: undefined,
    status: undefined,
    steps: [],
    summary: undefined,
    anchoredOn: [],
    mtl: parts.mtl === undefined ? undefined : asMtl(parts.mtl),
    claimed: parts.mtl,
    checkpoint: parts.checkpoint,
    otsBase64: parts.ots,
    offlineMs: 0,
  }
  const shown = new Map<string, ShownStep>()
  const publish = (steps: ShownStep[]) => {
    for (const step of steps) shown.set(step.id, step)
    state.steps = [...shown.values()].sort(
      (a, b) => rank(a.id) - rank(b.id) || anchorChain(a.id) - anchorChain(b.id),
    )
    onUpdate?.({ ...state, steps: [...state.steps] })
  }

  const started = performance.now()
  let verdict: ProofVerdict
  try {
    verdict = await verifyProof({
      bundle: value,
      chains: chains ?? verifierChains(config),
      bitcoin,
      onStep: (step) => {
        if (step.id === 'inclusion') state.offlineMs = performance.now() - started
        publish([shownStep(step)])
      },
    })
  } catch (error) {
    // Only the page's own configuration can make core throw (a chain listed twice, a bad address).
    state.done = true
    state.valid = false
    state.status = 'invalid'
    state.summary = `Nothing was checked: this page's configuration is not usable (${errorText(error)}).`
    publish([])
    return { ...state, steps: [...state.steps] }
  }
  state.done = true
  state.valid = verdict.valid
  state.status = verdict.status
  state.summary = verdict.summary
  state.anchoredOn = verdict.anchoredOn
  // The verdict's steps are the reference: the same as reported, in its order.
  shown.clear()
  publish(verdict.steps.map(shownStep))
  return { ...state, steps: [...state.steps] }
}

/** The bundle's parts through core's reader. Never throws (a hostile value has no parts). */
function readParts(value: unknown): BundleParts {
  try {
    return readBundle(value).parts
  } catch {
    return {}
  }
}

function asMtl(value: Record<string, unknown>): Mtl | undefined {
  try {
    const result = validateMtl(value)
    return result.valid ? result.mtl : undefined
  } catch {
    return undefined
  }
}

const anchorChain = (id: string) => (id.startsWith('anchor:') ? Number(id.slice(7)) : 0)

// Core's order; `anchor:<chainId>` steps are ascending by chain id, as in the verdict.
function rank(id: string): number {
  const at = (VERIFY_STEP_ORDER as readonly string[]).indexOf(
    id.startsWith('anchor:') ? 'anchor:' : id,
  )
  return at < 0 ? VERIFY_STEP_ORDER.length : at
}

const STATUS = { pass: 'ok', fail: 'failed', unchecked: 'unchecked', notice: 'warn' } as const

/**
 * Core's step as the page shows it: core's plain reason as the meaning, its detail beneath.
 * @example shownStep({ id: 'ots', title, ok: true, outcome: 'notice', reason, detail }).status // 'warn'
 */
export function shownStep(step: VerificationStep): ShownStep {
  const status: ShownStatus = STATUS[step.outcome ?? (step.ok ? 'pass' : 'fail')]
  const out: ShownStep = { id: step.id, title: step.title, status }
  // verifyProof always gives a detail; a bare reason (verifyBundle's shape) is technical.
  if (step.detail === undefined) out.detail = step.reason
  else {
    out.meaning = step.reason
    out.detail = step.detail
  }
  return out
}
