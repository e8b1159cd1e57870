import type { SensorReading } from './types.ts'

/**
 * The largest Euclidean distance between any two sensors' vectors: how far the most disagreeing
 * pair is apart (|SensorA_Vector − SensorB_Vector| of the protocol, over every pair). Vectors of
 * different lengths cannot be compared and count as infinitely apart, so that a malformed fusion
 * input fails closed.
 *
 * Spec: Sacred Pause Protocol §4.3 (sensor fusion conflict).
 *
 * @example
 * sensorDivergence([{ id: 'lidar', vector: [0, 0] }, { id: 'camera', vector: [3, 4] }]) // 5
 */
export function sensorDivergence(sensors: readonly SensorReading[]): number {
  let worst = 0
  for (let i = 0; i < sensors.length; i++) {
    for (let j = i + 1; j < sensors.length; j++) {
      const a = (sensors[i] as SensorReading).vector
      const b = (sensors[j] as SensorReading).vector
      if (a.length !== b.length) return Number.POSITIVE_INFINITY
      let sum = 0
      for (let k = 0; k < a.length; k++) {
        const d = (a[k] as number) - (b[k] as number)
        sum += d * d
      }
      worst = Math.max(worst, Math.sqrt(sum))
    }
  }
  return worst
}
