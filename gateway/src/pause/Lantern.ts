import { EventEmitter } from 'node:events'
import type { MtlArbiter } from '@tml/core'

/** A pause began: the Lantern is on. */
export type LanternPauseEvent = {
  type: 'pause'
  pause_id: string
  profile: string
  trigger_type: string
  trigger_detail: string
  /** RFC 3339: when the pause times out into -1. */
  deadline: string
  /** Pauses open after this event. */
  pending: number
  lantern: true
}

/** A pause ended; the Lantern stays on while other pauses are open. */
export type LanternResolutionEvent = {
  type: 'resolution'
  pause_id: string
  state: 1 | -1
  arbiter: MtlArbiter
  /** `trace_id` of the resolution MTL. */
  resolution_trace_id: string
  pending: number
  lantern: boolean
}

export type LanternEvent = LanternPauseEvent | LanternResolutionEvent

/**
 * The Lantern signal (spec §5 phase 1: "a status bit broadcast"): on while at least one pause is
 * open. Every pause and resolution is published to subscribers (the SSE stream at /v1/lantern).
 *
 * @example
 * const off = lantern.subscribe((event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`))
 */
export class Lantern {
  readonly #events = new EventEmitter()
  #pending = 0

  constructor() {
    this.#events.setMaxListeners(0)
  }

  /** True while a pause is open. */
  get on(): boolean {
    return this.#pending > 0
  }

  get pending(): number {
    return this.#pending
  }

  /** Publishes a pause (the caller tracks the count of open pauses). */
  paused(event: Omit<LanternPauseEvent, 'type' | 'lantern' | 'pending'>, pending: number): void {
    this.#pending = pending
    this.#events.emit('event', {
      type: 'pause',
      ...event,
      pending,
      lantern: true,
    } satisfies LanternPauseEvent)
  }

  /** Publishes a resolution. */
  resolved(
    event: Omit<LanternResolutionEvent, 'type' | 'lantern' | 'pending'>,
    pending: number,
  ): void {
    this.#pending = pending
    this.#events.emit('event', {
      type: 'resolution',
      ...event,
      pending,
      lantern: pending > 0,
    } satisfies LanternResolutionEvent)
  }

  /** Calls `listener` on every event until the returned function is called. */
  subscribe(listener: (event: LanternEvent) => void): () => void {
    this.#events.on('event', listener)
    return () => this.#events.off('event', listener)
  }

  get subscribers(): number {
    return this.#events.listenerCount('event')
  }
}
