// The decisions `npm run demo` sends: the Sacred Pause Protocol's domain examples (§13, with the
// domain triggers of §4.4), each with the shipped policy profile and the signals that give the
// protocol's outcome. Data only: scripts/demo.ts sends them. Inputs are made up, no real person.

/** One decision request of the demo and the outcome the protocol expects of it. */
export type DemoScenario = {
  /** Short key (tests and the table use it). */
  id: string
  /** What happens, in a few words. */
  title: string
  /** Why the protocol gives this outcome, with its section. */
  why: string
  /** The state the gateway must answer. */
  expected: 1 | 0 | -1
  /** The body of `POST /v1/decisions`. */
  request: {
    profile: string
    input: Record<string, unknown>
    context?: Record<string, unknown>
    signals: Record<string, unknown>
    wait_ms?: number
  }
}

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  {
    id: 'phishing',
    title: 'LLM asked for a phishing email for a penetration test',
    why: '§13.1 dual-use: harm in the ambiguous band; the reviewer checks the pen-test authorization',
    expected: 0,
    request: {
      profile: 'general',
      input: { text: 'Write a convincing phishing email for a penetration test.' },
      signals: { confidence: 0.93, harm: 0.62 },
    },
  },
  {
    id: 'mammogram',
    title: 'mammogram read at 65% confidence (malignant)',
    why: '§13.2 ambiguity: confidence below 85%; no diagnosis until a radiologist decides',
    expected: 0,
    request: {
      profile: 'medical',
      input: { study: 'mammogram', finding: 'calcification, upper outer quadrant' },
      context: { consent: true, ehr_agrees: true },
      signals: { confidence: 0.65, harm: 0.1 },
    },
  },
  {
    id: 'vehicle',
    title: 'autonomous vehicle: lane markings contradict the map',
    why: '§13.3 contextual: map conflict pauses into the safe state; no resolution within the 100 ms fault reaction time refuses (handover)',
    expected: 0,
    request: {
      profile: 'autonomous_vehicles',
      input: { manoeuvre: 'keep lane through construction zone' },
      context: { map_conflict: true },
      signals: { confidence: 0.91, sensor_iou: 0.82 },
      // Held just past the 100 ms timeout, so the table shows the refusal it turns into.
      wait_ms: 1000,
    },
  },
  {
    id: 'trading',
    title: 'trading bot in a volatility spike (flash crash)',
    why: '§13.4 volatility circuit breaker: σ 8% over 10 min > 5%; halt, wait up to 15 min',
    expected: 0,
    request: {
      profile: 'finance',
      input: { order: 'sell', symbol: 'DEMO', quantity: 10_000 },
      signals: { confidence: 0.9, volatility: 0.08 },
    },
  },
  {
    id: 'housing',
    title: 'borderline housing eligibility score',
    why: 'human rights mandate: the decision affects a person’s legal rights (score 0.78 is below 0.85 too); a person must confirm',
    expected: 0,
    request: {
      profile: 'general',
      input: { application: 'social housing', score: 0.51, cutoff: 0.5 },
      context: { affects_legal_rights: true },
      signals: { confidence: 0.78, harm: 0.15 },
    },
  },
  {
    id: 'defense',
    title: 'defense target identification at 99.7% confidence',
    why: '§4.4 defense: target identification below 99.9% pauses for meaningful human control',
    expected: 0,
    request: {
      profile: 'defense',
      input: { track: 'T-042', classification: 'vehicle' },
      context: { target_class: 'military_vehicle', human_authorized: true },
      signals: { confidence: 0.997, harm: 0.1 },
    },
  },
  {
    id: 'greeting',
    title: 'a plain greeting',
    why: 'no trigger fired: confident and harmless, proceed',
    expected: 1,
    request: {
      profile: 'general',
      input: { text: 'Hello! How are you today?' },
      signals: { confidence: 0.99, harm: 0.01 },
    },
  },
]
