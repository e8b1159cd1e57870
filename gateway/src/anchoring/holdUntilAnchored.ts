import type { LoadedPolicy } from '../policy/types.ts'
import type { DecisionService } from '../service/DecisionService.ts'
import type { AnchoringLane } from './AnchoringLane.ts'

/**
 * The deliberative profile: makes `service.decide` hold the answer of a logged decision of a
 * profile whose policy says `timing: deliberative` until the checkpoint holding its MTL is
 * anchored on the chains the anchoring policy requires, for at most `holdMs`. The decision is
 * durable (and its receipt signed) before the hold starts; a hold that runs out answers anyway,
 * and the anchoring health then refuses new decisions (No Log = No Action). Real-time profiles
 * are not held.
 *
 * Spec: ARCHITECTURE.md, Decisions (profiles: real-time and deliberative).
 *
 * @example
 * holdUntilAnchored({ service, lane, policies, holdMs: 120_000 })
 */
export function holdUntilAnchored({
  service,
  lane,
  policies,
  holdMs,
}: {
  service: DecisionService
  lane: AnchoringLane
  policies: ReadonlyMap<string, LoadedPolicy>
  holdMs: number
}): void {
  const decide = service.decide.bind(service)
  service.decide = async (args) => {
    const answer = await decide(args)
    const timing = policies.get(args.input.profile)?.policy.timing
    if (timing === 'deliberative' && answer.logged && answer.seq !== null) {
      await lane.waitAnchored(answer.seq, holdMs)
    }
    return answer
  }
}
