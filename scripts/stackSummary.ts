// What `npm start` prints once everything runs: where each part is, which keys are well-known
// development keys, and what to do next. Pure: the facts are passed in.
import type { StackChain } from './pageConfig.ts'

export type StackFacts = {
  webUrl: string
  gatewayUrl: string
  calendarUrl: string
  /** The demo upstream behind the gateway's OpenAI-compatible proxy, when it runs. */
  openaiUpstreamUrl?: string
  chains: StackChain[]
  /** The log id the gateway runs with (from its own start-up line). */
  logId: string
  dataDir: string
  /** The local stack's copy of the policies the gateway runs with. */
  policiesDir: string
  /** How long its deliberative pauses stay open at least. */
  pauseMinutes: number
  devApiKeyFile: string
  reviewer: string
  seconds: number
}

/** The line the summary ends with; scripts and tests wait for it. */
export const READY_LINE = 'Press Ctrl-C to stop.'

export function stackSummary(facts: StackFacts): string {
  const chainLines = facts.chains.flatMap(({ name, rpcUrl, deployment }) => [
    `  ${`${name}, chain ${deployment.chainId}`.padEnd(30)} ${rpcUrl}`,
    `    LanternRegistry     ${deployment.contracts.LanternRegistry.address}`,
    `    CheckpointRegistry  ${deployment.contracts.CheckpointRegistry.address}`,
  ])
  return [
    '',
    `TML Anchor local stack is up (${facts.seconds.toFixed(1)} s), on 127.0.0.1 only:`,
    `  web page                       ${facts.webUrl}  (reviewer desk: ${facts.webUrl}/?view=desk)`,
    `  gateway                        ${facts.gatewayUrl}  (OpenAPI: ${facts.gatewayUrl}/openapi.json)`,
    `  OpenTimestamps calendar        ${facts.calendarUrl}  (local stand-in: its "blocks" are not Bitcoin's)`,
    `  Bitcoin headers (Esplora)      ${facts.calendarUrl}/esplora  (the stand-in's block headers)`,
    ...(facts.openaiUpstreamUrl
      ? [
          `  OpenAI-compatible proxy        ${facts.gatewayUrl}/v1  (base URL for the openai client; demo upstream ${facts.openaiUpstreamUrl})`,
        ]
      : []),
    ...chainLines,
    `  demo log id                    ${facts.logId}`,
    `  development API key            ${facts.devApiKeyFile}  (caller "dev")`,
    `  gateway data and keys          ${facts.dataDir}`,
    `  gateway policies               ${facts.policiesDir}  (the local stack's copy: deliberative pauses stay open ${facts.pauseMinutes} min)`,
    'Development keys (public, local chains only, never use them elsewhere):',
    "  Hardhat's well-known accounts: #0 admin, #1 demo operator, #2 anchor relayer, #3 certifier,",
    `  #4 reviewer ${facts.reviewer}: the desk uses the development API key and signs as reviewer #4`,
    "  with the page's test account.",
    `  The gateway's own keys (receipts, checkpoints) were generated on this machine in ${facts.dataDir}/keys.`,
    'Next steps:',
    '  npm run demo                   send the protocol’s domain scenarios and get a proof link',
    `  open ${facts.webUrl}/?view=desk   approve or refuse the pauses as the reviewer`,
    READY_LINE,
  ].join('\n')
}
