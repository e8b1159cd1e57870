import type { Gateway } from '../service/createGateway.ts'

/** What the routes share. */
export type ApiContext = {
  gateway: Gateway
  /** Unix ms (resolution deadlines). */
  clock: () => number
}
