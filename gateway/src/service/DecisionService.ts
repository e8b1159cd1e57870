import {
  BaseError,
  bytesToHex,
  type CausalNode,
  canonicalBytes,
  canonicalize,
  type Hex,
  JcsError,
  type MtlDecision,
  type MtlModel,
  type Sha256,
  type SignedReceipt,
} from '@tml/core'
import type { AnchorHold } from '../anchoring/AnchorHold.ts'
import { decide } from '../engine/decide.ts'
import type { Decision, DecisionRequest, Signals, TriggerType } from '../engine/types.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import type { AlwaysMemory } from '../memory/AlwaysMemory.ts'
import { buildErasureMtl, GATEWAY_MODEL } from '../memory/buildErasureMtl.ts'
import { buildDecisionDraft } from '../memory/buildMtl.ts'
import { callerIdOf } from '../memory/callerIdOf.ts'
import type { Pseudonymizer } from '../memory/Pseudonymizer.ts'
import { StoreError } from '../memory/StoreError.ts'
import { uuidv7 } from '../memory/uuidv7.ts'
import { withCausalNotes } from '../memory/withCausalNotes.ts'
import type { PauseBudget } from '../pause/PauseBudget.ts'
import type { PauseManager } from '../pause/PauseManager.ts'
import type { PauseResolution } from '../pause/PauseResolution.ts'
import { refuseForBudget } from '../pause/refuseForBudget.ts'
import type { LoadedPolicy } from '../policy/types.ts'
import { personalValues } from '../vault/personalValues.ts'
import type { VaultPayload } from '../vault/VaultPayload.ts'
import { type DecisionDurations, decisionDurationHistogram } from './decisionDurationHistogram.ts'
import { ModelHashRequiredError } from './ModelHashRequiredError.ts'
import { type DecisionFinding, withFindings } from './withFindings.ts'

/** A decision request after the HTTP layer validated it. */
export type DecisionInput = {
  profile: string
  input: unknown
  output?: unknown
  context?: Record<string, unknown>
  signals: Signals
  /** Raw subject id (pseudonymized before anything is hashed or stored). */
  subject?: string
  model?: MtlModel
  /** Wait up to this long for a pause's resolution (long poll); 0 answers at once. */
  wait_ms?: number
  /**
   * The trace id to record, when the caller needed it before the decision (a proxied stream
   * whose headers leave first). A UUIDv7 made by the gateway; generated here when absent.
   */
  trace_id?: string
  /**
   * Checks made at the gateway's edges before deciding (an inline proxy's upstream that failed
   * or answered nonsense), merged into the engine's decision as steps of its causal graph: the
   * lowest outcome still wins, so a finding can only lower the state.
   */
  findings?: readonly DecisionFinding[]
  /** Measurements recorded beside the engine's metrics (token usage, energy, tokens released). */
  extra_metrics?: Readonly<Record<string, number>>
  /** Causal nodes that flag the record (e.g. `posthoc_review`), appended to its graph. */
  notes?: readonly CausalNode[]
  /** Causal nodes appended only when the record is a pause (state 0 once the budget is applied). */
  pause_notes?: readonly CausalNode[]
  /**
   * True when (part of) the output already reached the caller before the decision (a stream's
   * first tokens): its hash is then recorded whatever the state, because what was released is
   * never taken back and the log must say so.
   */
  output_released?: boolean
}

export type { DecisionFinding }

/** The answer to a decision request. */
export type DecisionAnswer = {
  trace_id: string
  state: 1 | 0 | -1
  trigger_type: TriggerType
  trigger_detail: string
  metrics: Record<string, number>
  policy_hash: Hex
  /** False only when the log could not take the record (then state is -1, trigger LEDGER). */
  logged: boolean
  seq: number | null
  leaf_hash: Hex | null
  receipt: SignedReceipt | null
  /** True while this decision's pause is open (the Lantern signal). */
  lantern: boolean
  pause?: {
    pause_id: string
    deadline: string
    status: 'pending' | 'resolved'
    resolution?: PauseResolution
  }
  /** The state that takes effect: the resolution's when the pause was resolved while waiting. */
  final_state: 1 | 0 | -1
}

/** The answer to an erasure. */
export type ErasureAnswer = {
  trace_id: string
  seq: number
  subject: `psn:${string}`
  leaf_hash: Hex
  receipt: SignedReceipt
}

/**
 * A request value has no RFC 8785 form (a lone surrogate in a string, for instance), so it cannot
 * be hashed into evidence. Nothing was decided or stored. Answered 400 naming the field.
 *
 * @example
 * if (e instanceof InvalidEvidenceError) reply.code(400).send({ field: e.field })
 */
export class InvalidEvidenceError extends BaseError {
  override name = 'InvalidEvidenceError' as const
  readonly field: string
  readonly reason: string
  constructor({ field, reason }: { field: string; reason: string }) {
    super(`${field}: ${reason}`)
    this.field = field
    this.reason = reason
  }
}

/** Parameters of the {@link DecisionService} constructor. */
export type DecisionServiceParameters = {
  policies: ReadonlyMap<string, LoadedPolicy>
  memory: AlwaysMemory
  pseudonymizer: Pseudonymizer
  pauses: PauseManager
  budget: PauseBudget
  clock?: () => number
  hash?: Sha256
  /** Model recorded when a request names none. */
  defaultModel?: MtlModel
  /**
   * Key of the callers' pseudonyms (`callerIdOf`): with it, every decision MTL records who asked
   * as `caller`. The gateway passes its subject-index key (domain-separated).
   */
  callerKey?: Uint8Array
  /** Anchoring health (No Log = No Action): unavailable → every decision is -1 LEDGER. */
  anchoring?: () => { available: boolean; reason?: string }
  /**
   * The deliberative hold: an answer of a `timing: deliberative` profile waits until its MTL is
   * anchored, at most `limitMs`, and is -1 LEDGER when it is not. Without it (no anchoring),
   * nothing is held.
   */
  anchorHold?: { hold: AnchorHold; limitMs: number }
  /**
   * The sealed evidence vault is on (the committer seals): each decision's full context goes to
   * the committer with it, and its MTL carries `evidence_seal`. Default false.
   */
  vault?: boolean
}

const UNSPECIFIED_MODEL: MtlModel = { id: 'unspecified', version_hash: GATEWAY_MODEL.version_hash }

/**
 * The decision lane, end to end: decide (pure engine), apply the pause budget, pseudonymize,
 * put the evidence in its canonical form, build the MTL, append it durably with its signed
 * receipt, and only then answer; a pause opens (Lantern on) once its MTL is durable. When the
 * log cannot take the record, the answer is -1 with trigger LEDGER and the reason, and nothing
 * took effect. Hashing the evidence and the MTL and signing the receipt belong to the committer
 * (the commit worker's thread by default), so the event loop does only what must happen before
 * the record is placed: the decision and the checks that can refuse a request. An answer of a
 * deliberative profile is also held until its MTL is anchored (`anchorHold`): one the chains do
 * not hold within the limit is answered -1 LEDGER, never a silent +1.
 *
 * Spec: Sacred Pause Protocol §3.2, §5, §8 (gateway pseudocode), §11.3, §12.
 *
 * @example
 * const answer = await service.decide({ input: { profile: 'general', input: { text: 'hello' }, signals: { confidence: 0.99, harm: 0.01 } }, caller: 'app' })
 * answer.state // 1
 */
export class DecisionService {
  readonly policies: ReadonlyMap<string, LoadedPolicy>
  readonly #memory: AlwaysMemory
  readonly #pseudonymizer: Pseudonymizer
  readonly #pauses: PauseManager
  readonly #budget: PauseBudget
  readonly #clock: () => number
  readonly #hash: Sha256
  readonly #defaultModel: MtlModel
  readonly #callerKey: Uint8Array | undefined
  /** Callers' pseudonyms by name: a gateway has a handful of callers, each hashed once. */
  readonly #callerIds = new Map<string, `clr:${string}`>()
  readonly #anchoring: () => { available: boolean; reason?: string }
  readonly #anchorHold: DecisionServiceParameters['anchorHold']
  readonly #vault: boolean
  /** Hash of the whole policy set, for records that belong to no single profile (erasures). */
  readonly policySetHash: Hex
  /** Counters for /metrics, by `state:trigger`. */
  readonly counts = new Map<string, number>()
  /** Decision latency for /metrics (`tml_decision_duration_seconds`), by state. */
  readonly durations: DecisionDurations = decisionDurationHistogram()

  constructor(p: DecisionServiceParameters) {
    this.policies = p.policies
    this.#memory = p.memory
    this.#pseudonymizer = p.pseudonymizer
    this.#pauses = p.pauses
    this.#budget = p.budget
    this.#clock = p.clock ?? Date.now
    this.#hash = p.hash ?? nodeSha256
    this.#defaultModel = p.defaultModel ?? UNSPECIFIED_MODEL
    this.#callerKey = p.callerKey
    this.#anchoring = p.anchoring ?? (() => ({ available: true }))
    this.#anchorHold = p.anchorHold
    this.#vault = p.vault ?? false
    this.policySetHash = bytesToHex(
      this.#hash(
        canonicalBytes(
          Object.fromEntries([...p.policies].map(([profile, l]) => [profile, l.hash])),
        ),
      ),
    )
  }

  /**
   * The engine's decision over a request with the gateway's health as it is now, logging
   * nothing and taking no pause budget. An inline proxy asks it before calling its upstream, so
   * that a request the policy refuses never reaches the model; the decision that takes effect is
   * always the one {@link DecisionService.decide} logs.
   *
   * @example
   * if (service.assess(input).state === -1) await service.decide({ input, caller }) // logs the refusal
   */
  assess(input: DecisionInput): Decision {
    const loaded = this.policies.get(input.profile)
    if (!loaded) throw new RangeError(`unknown profile ${input.profile}`)
    const request = engineRequest(input)
    return withFindings(
      decide({ request, policy: loaded.policy, environment: this.#environment(this.#clock()) }),
      input,
    )
  }

  #environment(now: number) {
    const anchoring = this.#anchoring()
    return {
      now,
      storeAvailable: this.#memory.available,
      anchoringAvailable: anchoring.available,
      ...(this.#memory.reason === undefined ? {} : { storeReason: this.#memory.reason }),
      ...(anchoring.reason === undefined ? {} : { anchoringReason: anchoring.reason }),
    }
  }

  /**
   * Decides one request and logs it. Never throws for store failures (they become -1 LEDGER);
   * throws only on programming errors and on evidence that has no canonical form (JcsError),
   * which the HTTP layer rejects before calling. `arrivedMs` (a `performance.now()` reading, the
   * request's arrival) starts the latency the metrics record; by default, this call.
   */
  async decide({
    input,
    caller,
    arrivedMs,
  }: {
    input: DecisionInput
    caller: string
    arrivedMs?: number
  }): Promise<DecisionAnswer> {
    const started = arrivedMs ?? performance.now()
    const loaded = this.policies.get(input.profile)
    if (!loaded) throw new RangeError(`unknown profile ${input.profile}`)
    const { policy } = loaded
    // Before anything is decided: a request the policy cannot accept leaves no trace (400).
    if (policy.requireModelHash && !namesModelVersion(input.model))
      throw new ModelHashRequiredError({ profile: policy.profile })
    const now = this.#clock()
    const traceId = input.trace_id ?? uuidv7(now)
    const environment = this.#environment(now)
    const request = engineRequest(input)
    let decision: Decision = withFindings(decide({ request, policy, environment }), input)
    if (!this.#memory.available) return this.#unlogged({ traceId, decision, loaded, started })

    // Evidence first: a value without a canonical form is refused before anything takes effect.
    const subject =
      input.subject === undefined
        ? this.#pseudonymizer.anonymous()
        : await this.#pseudonymizer.subject(input.subject)
    const scrubbed = this.#pseudonymizer.scrub({
      value: { input: input.input, output: input.output, context: input.context ?? {} },
      fields: policy.piiFields,
      secret: subject.secret,
    })
    // The canonical texts travel to the committer, which hashes them into input_hash and
    // output_hash (spec §9.1: the evidence as a hash, never raw).
    const evidenceText = canonicalEvidence('', () =>
      canonicalize({ input: scrubbed.input, context: scrubbed.context, signals: input.signals }),
    )
    const outputText =
      scrubbed.output === undefined
        ? null
        : canonicalEvidence('output', () => canonicalize(scrubbed.output))

    let paused = false
    if (decision.state === 0) {
      const verdict = this.#budget.take({ policy, caller, now })
      if (verdict.granted) paused = true
      else decision = refuseForBudget(decision, verdict.exhausted)
    }
    const built = buildDecisionDraft({
      decision,
      traceId,
      timestamp: new Date(now).toISOString(),
      policyHash: loaded.hash,
      model: input.model ?? this.#defaultModel,
      ...(this.#callerKey === undefined ? {} : { caller: this.#callerId(this.#callerKey, caller) }),
      ...(policy.pause.escalationTarget === undefined
        ? {}
        : { escalationTarget: policy.pause.escalationTarget }),
    })
    const notes = [...(input.notes ?? []), ...(paused ? (input.pause_notes ?? []) : [])]
    const draft =
      notes.length === 0
        ? built
        : { ...built, causal_graph: withCausalNotes(built.causal_graph, notes) }
    const deadlineMs = paused ? now + policy.pause.timeoutMs : null
    let appended: Awaited<ReturnType<AlwaysMemory['append']>>
    try {
      appended = await this.#memory.append({
        draft,
        ...(this.#vault
          ? {
              vault: vaultPayload({
                input,
                subject,
                fields: policy.piiFields,
                outputText,
                metrics: decision.metrics,
              }),
            }
          : {}),
        evidence: {
          input: evidenceText,
          // +1: the answer released. 0: the answer held for the reviewer, so that what an
          // approval later releases is the answer this record names. -1 releases nothing
          // (unless part of a stream had already left).
          output: decision.state !== -1 || input.output_released === true ? outputText : null,
          // A subject's pseudonym is cached with its secret; an anonymous one is derived by the
          // committer from the one-off secret, off the event loop.
          pseudonym: subject.lookup === null ? null : subject.pseudonym,
          secret: subject.lookup === null ? toHex(subject.secret) : null,
        },
        profile: policy.profile,
        pauseDeadlineMs: deadlineMs,
        ...(subject.newKey ? { subjectKey: subject.newKey } : {}),
      })
    } catch (e) {
      if (!(e instanceof StoreError)) throw e
      if (paused) this.#budget.refund({ policy, caller })
      return this.#unlogged({
        traceId,
        decision: withFindings(
          decide({
            request,
            policy,
            environment: { ...environment, storeAvailable: false, storeReason: e.code },
          }),
          input,
        ),
        loaded,
        started,
      })
    }
    if (subject.newKey) this.#pseudonymizer.markPersisted([subject.newKey])

    const answer: DecisionAnswer = {
      trace_id: traceId,
      state: decision.state,
      trigger_type: decision.trigger_type,
      trigger_detail: decision.trigger_detail,
      metrics: decision.metrics,
      policy_hash: loaded.hash,
      logged: true,
      seq: appended.receipt.seq,
      leaf_hash: appended.leafHash,
      receipt: appended.receipt,
      lantern: paused,
      final_state: decision.state,
    }
    if (paused && deadlineMs !== null) {
      this.#pauses.open({
        pauseId: traceId,
        profile: policy.profile,
        leafHash: appended.leafHash,
        mtl: appended.mtl as unknown as MtlDecision,
        deadlineMs,
        // The reviewer desk's case: the texts the MTL's hashes cover, pseudonymized.
        evidence: { evidence: evidenceText, output: outputText },
      })
      answer.pause = {
        pause_id: traceId,
        deadline: new Date(deadlineMs).toISOString(),
        status: 'pending',
      }
    }
    // The deliberative hold: the record is durable and its receipt signed; the answer waits for
    // the chains. Not anchored in time → -1 LEDGER (the pause, if any, stays open in the log).
    if (this.#anchorHold && policy.timing === 'deliberative') {
      const { hold, limitMs } = this.#anchorHold
      if (!(await hold.waitAnchored(appended.receipt.seq, limitMs))) {
        const refused = notAnchored(answer, limitMs)
        this.#count(refused, started)
        return refused
      }
    }
    this.#count(decision, started)
    if (!answer.pause) return answer
    // Not capped at the deadline: at the deadline the timeout's resolution (-1) is still being
    // written, and a caller who asked to wait that long is owed it rather than a pending pause.
    const waitMs = input.wait_ms ?? 0
    if (waitMs > 0) {
      const resolution = await this.#pauses.wait(traceId, waitMs)
      if (resolution) {
        answer.pause = { ...answer.pause, status: 'resolved', resolution }
        answer.lantern = false
        answer.final_state = resolution.state
      }
    }
    return answer
  }

  /**
   * Erases a subject: destroys its secret and logs the erasure (no personal data in the record).
   * Returns undefined when the subject has no secret (never seen, or already erased).
   * @throws {StoreError} when the log cannot take the record: nothing was erased.
   */
  async erase({
    subjectId,
    caller,
  }: {
    subjectId: string
    caller: string
  }): Promise<ErasureAnswer | undefined> {
    const existing = await this.#pseudonymizer.existing(subjectId)
    if (!existing) return undefined
    const now = this.#clock()
    const traceId = uuidv7(now)
    const appended = await this.#memory.append({
      draft: buildErasureMtl({
        traceId,
        timestamp: new Date(now).toISOString(),
        subject: existing.pseudonym,
        policyHash: this.policySetHash,
        requestedBy: caller,
        ...(this.#callerKey === undefined
          ? {}
          : { caller: this.#callerId(this.#callerKey, caller) }),
        hash: this.#hash,
      }),
      profile: null,
      pauseDeadlineMs: null,
      erasedLookup: existing.lookup,
    })
    // Forget only after the deletion is durable; requests meanwhile used the old secret, and
    // their pseudonyms are shredded with it.
    this.#pseudonymizer.forget(existing.lookup)
    return {
      trace_id: traceId,
      seq: appended.receipt.seq,
      subject: existing.pseudonym,
      leaf_hash: appended.leafHash,
      receipt: appended.receipt,
    }
  }

  #unlogged({
    traceId,
    decision,
    loaded,
    started,
  }: {
    traceId: string
    decision: Decision
    loaded: LoadedPolicy
    started: number
  }): DecisionAnswer {
    this.#count(decision, started)
    return {
      trace_id: traceId,
      state: -1,
      trigger_type: decision.trigger_type,
      trigger_detail: decision.trigger_detail,
      metrics: decision.metrics,
      policy_hash: loaded.hash,
      logged: false,
      seq: null,
      leaf_hash: null,
      receipt: null,
      lantern: false,
      final_state: -1,
    }
  }

  #callerId(key: Uint8Array, caller: string): `clr:${string}` {
    let id = this.#callerIds.get(caller)
    if (id === undefined) {
      id = callerIdOf(key, caller)
      this.#callerIds.set(caller, id)
    }
    return id
  }

  // Where a decision's answer is final and durable (before any long poll on its pause).
  #count(decision: Pick<Decision, 'state' | 'trigger_type'>, started: number): void {
    const key = `${decision.state}:${decision.trigger_type}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    this.durations.observe(decision.state, started)
  }
}

/**
 * What the vault seals of a decision besides its evidence: the output whether released or not, the
 * engine's scores, and, for a subject the log knows, the raw subject id and PII values under the
 * subject's key. A request without subject keeps no raw personal values: its one-off pseudonym
 * has no key that an erasure could later destroy.
 */
function vaultPayload({
  input,
  subject,
  fields,
  outputText,
  metrics,
}: {
  input: DecisionInput
  subject: { lookup: Uint8Array | null; secret: Uint8Array }
  fields: readonly string[]
  outputText: string | null
  metrics: Record<string, number>
}): VaultPayload {
  const known = subject.lookup !== null && input.subject !== undefined
  return {
    output: outputText,
    scores: metrics,
    // The edge's checks are part of what decided: replay applies them again (`withFindings`).
    ...(input.findings !== undefined && input.findings.length > 0
      ? { findings: input.findings }
      : {}),
    rationale: null,
    personal: known
      ? JSON.stringify({
          subject: input.subject,
          fields: personalValues({
            value: { input: input.input, output: input.output, context: input.context ?? {} },
            fields,
          }),
        })
      : null,
    subjectSecret: known ? `0x${toHex(subject.secret)}` : null,
  }
}

/**
 * A logged answer that the chains did not hold within the hold's limit: -1 LEDGER, naming what
 * was logged (its record and receipt stay in the answer: the log holds it).
 */
function notAnchored(answer: DecisionAnswer, limitMs: number): DecisionAnswer {
  return {
    ...answer,
    state: -1,
    trigger_type: 'LEDGER',
    trigger_detail: `not anchored within ${limitMs} ms: decision ${answer.state} (${answer.trigger_type}) logged at seq ${answer.seq} is not released (No Log = No Action)`,
    final_state: -1,
  }
}

/** Runs the canonicalization of request values, turning a JcsError into an {@link InvalidEvidenceError} naming the field. */
function canonicalEvidence(prefix: string, fn: () => string): string {
  try {
    return fn()
  } catch (e) {
    if (!(e instanceof JcsError)) throw e
    // JCS paths look like $.input.items[2]["odd key"]; the API names fields input.items.2.odd key.
    const rest = e.path
      .slice(1)
      .replace(/\[(\d+)\]/g, '.$1')
      .replace(/\["(.*?)"\]/g, '.$1')
    const field = `${prefix}${rest}`.replace(/^\./, '') || prefix
    throw new InvalidEvidenceError({ field, reason: e.reason })
  }
}

/** True when a request's model pins a version: a hash other than the all-zero "unspecified". */
function namesModelVersion(model: MtlModel | undefined): boolean {
  return model !== undefined && /[1-9a-f]/.test(model.version_hash.slice(2))
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** The part of a decision input the engine reads (raw values: before pseudonymization). */
function engineRequest(input: DecisionInput): DecisionRequest {
  return {
    profile: input.profile,
    input: input.input,
    ...(input.output === undefined ? {} : { output: input.output }),
    ...(input.context === undefined ? {} : { context: input.context }),
    signals: input.signals,
  }
}
