import { BaseError } from '@tml/core'

/** One reason a policy file is refused, with where it is. Lines and columns count from 1. */
export type PolicyIssue = {
  file: string
  line: number
  column: number
  /** Dot path of the offending value (`harm.critical`, `rules.2.when`), empty for the document. */
  path: string
  reason: string
}

/**
 * A policy file cannot be used. The gateway refuses to start with it: deciding under a policy
 * that says something other than what its author meant would make every MTL misleading.
 *
 * @example
 * try { parsePolicy({ text, file }) } catch (e) { if (e instanceof PolicyError) for (const i of e.issues) console.error(`${i.file}:${i.line}: ${i.reason}`) }
 */
export class PolicyError extends BaseError {
  override name = 'PolicyError' as const
  readonly issues: readonly PolicyIssue[]
  constructor(issues: readonly PolicyIssue[]) {
    const first = issues[0]
    super(
      first
        ? `Invalid policy ${first.file}:${first.line}:${first.column}: ${first.path ? `${first.path}: ` : ''}${first.reason}`
        : 'Invalid policy',
      { details: issues.length > 1 ? issues.map(formatPolicyIssue).join('\n') : undefined },
    )
    this.issues = issues
  }
}

/** `file:line:column: path: reason`, the form editors and CI annotate. */
export function formatPolicyIssue(issue: PolicyIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.reason}`
}
