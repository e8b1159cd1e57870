import { BaseError } from '@tml/core'

/** One reason a configuration file is refused, with where it is. Lines and columns count from 1. */
export type ConfigIssue = {
  file: string
  line: number
  column: number
  /** The key at fault, empty for the document. */
  key: string
  reason: string
}

/**
 * A configuration file cannot be used: the gateway refuses to start rather than run with
 * settings its operator did not mean (a misspelt key silently ignored would leave a default on).
 *
 * @example
 * try { readConfigFile({ file, options }) } catch (e) { if (e instanceof ConfigFileError) for (const i of e.issues) console.error(formatConfigIssue(i)) }
 */
export class ConfigFileError extends BaseError {
  override name = 'ConfigFileError' as const
  readonly issues: readonly ConfigIssue[]
  constructor(issues: readonly ConfigIssue[]) {
    const first = issues[0]
    super(first ? `Invalid configuration ${formatConfigIssue(first)}` : 'Invalid configuration', {
      details: issues.length > 1 ? issues.map(formatConfigIssue).join('\n') : undefined,
    })
    this.issues = issues
  }
}

/** `file:line:column: key: reason`, the form editors and CI annotate (as policy issues). */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.key ? `${issue.key}: ` : ''}${issue.reason}`
}
