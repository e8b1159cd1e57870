// The ports of the local stack (`npm start`), from the environment with the defaults.
// Pure: the environment is passed in, nothing is opened here.

/** One port the stack will listen on: which service, and the variable that moves it. */
export type PortUse = { service: string; port: number; variable: string }

/** The stack's ports by service. */
export type StackPorts = {
  ethereum: number
  polygon: number
  gateway: number
  web: number
  ots: number
  /** The demo upstream of the OpenAI-compatible proxy. */
  openai: number
}

const SPEC = [
  { key: 'ethereum', service: 'Ethereum chain', variable: 'CHAINS_ETHEREUM_PORT', fallback: 8545 },
  { key: 'polygon', service: 'Polygon chain', variable: 'CHAINS_POLYGON_PORT', fallback: 8546 },
  { key: 'gateway', service: 'gateway', variable: 'TML_PORT', fallback: 8787 },
  { key: 'web', service: 'web page', variable: 'TML_WEB_PORT', fallback: 5173 },
  { key: 'ots', service: 'OpenTimestamps calendar', variable: 'TML_OTS_PORT', fallback: 8788 },
  {
    key: 'openai',
    service: 'demo OpenAI-compatible upstream',
    variable: 'TML_OPENAI_DEMO_PORT',
    fallback: 8789,
  },
] as const

/**
 * Reads the stack's ports. Each must be a whole number in 1..65535 and all must differ: two
 * services on one port would fail later with a less clear error.
 *
 * @throws {Error} naming the variable and the value that is wrong.
 * @example stackPorts({ TML_PORT: '9787' }).ports.gateway // 9787
 */
export function stackPorts(env: Readonly<Record<string, string | undefined>>): {
  ports: StackPorts
  uses: PortUse[]
} {
  const uses: PortUse[] = []
  const ports = {} as StackPorts
  for (const { key, service, variable, fallback } of SPEC) {
    const raw = env[variable]
    const port = raw === undefined || raw === '' ? fallback : Number(raw)
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new Error(`${variable} must be a port number (1-65535), got "${raw}"`)
    const clash = uses.find((u) => u.port === port)
    if (clash)
      throw new Error(
        `port ${port} is given to both the ${clash.service} (${clash.variable}) and the ${service} (${variable})`,
      )
    ports[key] = port
    uses.push({ service, port, variable })
  }
  return { ports, uses }
}
