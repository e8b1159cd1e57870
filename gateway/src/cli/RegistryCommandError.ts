import { BaseError } from '@tml/core'

/** A problem with the command's input: printed, exit code 2 (usage) or 1. */
export class RegistryCommandError extends BaseError {
  override name = 'RegistryCommandError' as const
  readonly exitCode: number
  constructor(message: string, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}
