import { BaseError } from '@tml/core'

/**
 * The profile's policy says `require_model_hash: true` and the request names no model version
 * (`model.version_hash` missing, or all zeros: the gateway's "unspecified"). Nothing was decided
 * or logged: a decision whose MTL cannot say which model it is about is not taken, just as a
 * request that fails validation is not. Answered 400 `model_hash_required`.
 *
 * @example
 * if (e instanceof ModelHashRequiredError) reply.code(400).send({ error: 'model_hash_required', field: e.field })
 */
export class ModelHashRequiredError extends BaseError {
  override name = 'ModelHashRequiredError' as const
  /** The request field that is missing. */
  readonly field = 'model.version_hash'
  readonly profile: string
  constructor({ profile }: { profile: string }) {
    super(
      `model.version_hash: profile "${profile}" requires the model hash: send model: { id, version_hash } with the SHA-256 that pins the model version (its policy sets require_model_hash: true)`,
    )
    this.profile = profile
  }
}
