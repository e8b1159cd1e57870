import { bytesToHex, canonicalBytes, sha256 } from '@tml/core'
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { PolicyError, type PolicyIssue } from './PolicyError.ts'
import type { LoadedPolicy } from './types.ts'
import { type PolicyPathIssue, validatePolicy } from './validatePolicy.ts'

/** Parameters of {@link parsePolicy}. */
export type ParsePolicyParameters = {
  /** The YAML text. */
  text: string
  /** Name shown in issues (the file's path). */
  file: string
}

/** Largest policy file accepted: a policy is configuration, not data. */
export const MAX_POLICY_BYTES = 256 * 1024

/**
 * Parses and validates a policy file (`tml-policy/1`, YAML 1.2). The policy hash that goes into
 * every MTL is SHA-256 of the RFC 8785 form of the document as written: comments and formatting
 * do not change it, any change of meaning does, and `tml policy check FILE` prints it.
 *
 * Spec: YAML 1.2 (core schema, unique keys), RFC 8785.
 *
 * @throws {PolicyError} with every issue, each with its file, line, column and reason.
 * @example
 * const { policy, hash } = parsePolicy({ text: readFileSync('policies/general.yaml', 'utf8'), file: 'policies/general.yaml' })
 */
export function parsePolicy({ text, file }: ParsePolicyParameters): LoadedPolicy {
  if (text.length > MAX_POLICY_BYTES) {
    throw new PolicyError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        reason: `file is larger than ${MAX_POLICY_BYTES} bytes`,
      },
    ])
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    version: '1.2',
  })
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0])
        return {
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          reason: e.message.split('\n')[0] ?? e.code,
        }
      }),
    )
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 16 })
  } catch (e) {
    throw new PolicyError([{ file, line: 1, column: 1, path: '', reason: (e as Error).message }])
  }
  const result = validatePolicy(value ?? undefined)
  if (!result.valid) {
    throw new PolicyError(
      result.issues.map((issue) => locate({ issue, contents: doc.contents, lineCounter, file })),
    )
  }
  return {
    policy: result.policy,
    hash: bytesToHex(sha256(canonicalBytes(value))),
    file,
    document: value as Record<string, unknown>,
    source: text,
  }
}

function locate({
  issue,
  contents,
  lineCounter,
  file,
}: {
  issue: PolicyPathIssue
  contents: unknown
  lineCounter: LineCounter
  file: string
}): PolicyIssue {
  // Walk the YAML nodes along the path; stop at the deepest node that exists, so a missing member
  // is reported at its parent mapping and an unknown one at its own name.
  let node: unknown = contents
  let offset = (contents as Node | null)?.range?.[0] ?? 0
  for (const [i, key] of issue.path.entries()) {
    const last = i === issue.path.length - 1
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
      )
      if (!pair) break
      const keyNode = pair.key as Node
      if (last && issue.atKey) {
        offset = keyNode.range?.[0] ?? offset
        break
      }
      node = pair.value
      offset = (pair.value as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined
      if (!item) break
      node = item
      offset = item.range?.[0] ?? offset
    } else {
      break
    }
  }
  const pos = lineCounter.linePos(offset)
  return { file, line: pos.line, column: pos.col, path: issue.path.join('.'), reason: issue.reason }
}
