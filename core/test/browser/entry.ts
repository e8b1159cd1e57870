// Browser entry of the isomorphism test: exposes the checks to the page's global scope.
import { runCoreChecks as checks } from './checks.ts'

declare global {
  var runCoreChecks: typeof checks
  var coreReady: boolean
}

globalThis.runCoreChecks = checks
globalThis.coreReady = true
