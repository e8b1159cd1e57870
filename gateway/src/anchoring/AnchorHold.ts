/**
 * What a held answer waits on: whether leaf `seq` is in a checkpoint anchored on the chains the
 * anchoring policy requires. The anchoring lane is one; the decision service and the pause
 * lifecycle take it at construction, so that their readers see where an answer is held.
 *
 * @example
 * if (!(await hold.waitAnchored(answer.seq, 60_000))) refuse('not anchored in time')
 */
export interface AnchorHold {
  /**
   * Resolves true once leaf `seq` is anchored, false after `timeoutMs` or when anchoring stops
   * (then at once: a stopped lane will not anchor it).
   */
  waitAnchored(seq: number, timeoutMs: number): Promise<boolean>
}
