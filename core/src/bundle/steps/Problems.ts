import type { VerificationStep } from '../VerificationStep.ts'

/**
 * Collects the reasons one verification step fails, and turns them into a step. Internal to the
 * bundle steps: each step checks everything it can and reports all of it, so a verifier sees every
 * failure at once.
 *
 * @example
 * const problems = new Problems()
 * problems.add('leafIndex 3 differs from mtl.seq 2')
 * problems.step('leafHash', 'Receipt and leaf index match the MTL')
 */
export class Problems {
  readonly list: string[] = []

  add(reason: string): void {
    this.list.push(reason)
  }

  step(id: string, title: string): VerificationStep {
    if (this.list.length === 0) return { id, title, ok: true }
    return { id, title, ok: false, reason: this.list.join('; ') }
  }
}

/** The message of anything thrown, without letting a hostile `toString` throw again. */
export function errorMessage(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : String(error)
    return message.length > 200 ? `${message.slice(0, 200)}…` : message
  } catch {
    return 'unknown error'
  }
}
