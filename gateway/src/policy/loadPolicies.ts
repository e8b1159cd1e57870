import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { PolicyError, type PolicyIssue } from './PolicyError.ts'
import { parsePolicy } from './parsePolicy.ts'
import type { LoadedPolicy } from './types.ts'

/** Parameters of {@link loadPolicies}. */
export type LoadPoliciesParameters = {
  /** Policy files, or directories whose `*.yaml` / `*.yml` files are all loaded. */
  paths: readonly string[]
}

/**
 * Loads every policy file and indexes them by profile. All files are read and checked before
 * anything is refused, so that one start-up attempt lists every broken file.
 *
 * @throws {PolicyError} with every issue of every file, or when two files declare one profile.
 * @example
 * const policies = loadPolicies({ paths: ['gateway/policies'] })
 * policies.get('general')?.hash
 */
export function loadPolicies({ paths }: LoadPoliciesParameters): Map<string, LoadedPolicy> {
  const files: string[] = []
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) if (/\.ya?ml$/.test(name)) files.push(join(p, name))
    } else {
      files.push(p)
    }
  }
  const issues: PolicyIssue[] = []
  const byProfile = new Map<string, LoadedPolicy>()
  for (const file of files) {
    try {
      const loaded = parsePolicy({ text: readFileSync(file, 'utf8'), file })
      const other = byProfile.get(loaded.policy.profile)
      if (other) {
        issues.push({
          file,
          line: 1,
          column: 1,
          path: 'profile',
          reason: `profile "${loaded.policy.profile}" is already defined in ${other.file}`,
        })
      } else {
        byProfile.set(loaded.policy.profile, loaded)
      }
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e
      issues.push(...e.issues)
    }
  }
  if (files.length === 0)
    issues.push({
      file: paths.join(', '),
      line: 1,
      column: 1,
      path: '',
      reason: 'no policy file found',
    })
  if (issues.length > 0) throw new PolicyError(issues)
  return byProfile
}
