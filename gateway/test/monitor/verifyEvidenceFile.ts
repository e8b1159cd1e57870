import { verifyCommand } from '../../src/cli/verifyCommand.ts'

/**
 * Runs `tml verify --fork-evidence FILE --signer SIGNER` as a user would, and returns its exit
 * code and everything it printed (standard output and error, in order).
 *
 * @example
 * const { code, printed } = await verifyEvidenceFile(finding.evidenceFile, signer)
 */
export async function verifyEvidenceFile(
  file: string,
  signer: string,
): Promise<{ code: number; printed: string }> {
  const printed: string[] = []
  const code = await verifyCommand({
    argv: ['--fork-evidence', file, '--signer', signer],
    io: { out: (t) => printed.push(t), err: (t) => printed.push(t), env: {} },
  })
  return { code, printed: printed.join('') }
}
