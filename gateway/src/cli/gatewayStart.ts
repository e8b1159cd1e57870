import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { LaneConfigError, loadLaneConfig } from '../anchoring/loadLaneConfig.ts'
import { ConfigFileError, formatConfigIssue } from '../config/ConfigFileError.ts'
import { configFileOf, withConfigFile } from '../config/gatewayStartConfig.ts'
import { MigrationError } from '../db/MigrationError.ts'
import { storeTarget } from '../db/migrate.ts'
import { buildServer, DEFAULT_BODY_LIMIT } from '../http/buildServer.ts'
import { CorsOriginError } from '../http/CorsOriginError.ts'
import { parseCorsOrigins } from '../http/parseCorsOrigins.ts'
import { KeysError } from '../keys/KeysError.ts'
import { KeystoreError } from '../keys/KeystoreError.ts'
import { loadKeys } from '../keys/loadKeys.ts'
import { readKeystore } from '../keys/readKeystore.ts'
import { StoreError } from '../memory/StoreError.ts'
import { loadPolicies } from '../policy/loadPolicies.ts'
import { formatPolicyIssue, PolicyError } from '../policy/PolicyError.ts'
import { openAiProxyConfig, ProxyConfigError } from '../proxy/openai/openAiProxyConfig.ts'
import { startReplica } from '../replica/startReplica.ts'
import { createGateway } from '../service/createGateway.ts'
import { DataDirLockedError } from '../service/DataDirLockedError.ts'
import { startTileWriter } from '../tiles/startTileWriter.ts'
import { TilesOriginError, tilesOrigin } from '../tiles/tilesOrigin.ts'
import { accessSource, startAccessWatch, vaultFromChain } from '../vault/accessFromChain.ts'
import { VaultError } from '../vault/VaultError.ts'
import type { CliIo } from './io.ts'
import { keystorePassword } from './readSecret.ts'

/** The policies shipped with the gateway. */
export const SHIPPED_POLICIES = fileURLToPath(new URL('../../policies', import.meta.url))

export const GATEWAY_START_HELP = `Usage: tml gateway start [options]

Starts the gateway: loads and checks the policies (refusing to start on any error, with file,
line and reason), loads the keys, opens the log store and serves the HTTP API.

Options:
  --config FILE       YAML file of these options (option name: value), below flags and the
                      environment (TML_CONFIG; default ./tml.config.yaml when it exists). See
                      tml.config.example.yaml; secrets are refused in it.
  --host HOST         Interface to listen on (default 127.0.0.1; TML_HOST).
  --port PORT         Port (default 8787, 0 = any free port; TML_PORT).
  --data DIR          Data directory: log.db and, by default, keys/ (default ./data; TML_DATA_DIR).
  --store URL         Keep the log and the anchoring state in PostgreSQL (postgres://user@host/db;
                      TML_STORE) instead of DATA/log.db. A new database is migrated at start; one
                      with pending migrations is refused: run \`tml db migrate --store URL\` first.
                      Several gateways on one database are replicas: one leads (sequences, signs,
                      anchors), the others forward to it and take over when it dies. A leader
                      that loses leadership exits with code 3: run replicas under a supervisor.
  --advertise-url URL The URL other replicas forward to when this one leads (default the address
                      it listens on; TML_ADVERTISE_URL).
  --keys DIR          Key directory (default DATA/keys; TML_KEYS_DIR).
  --policies PATH     Policy file or directory; repeatable (default: the shipped policies;
                      TML_POLICIES, comma-separated).
  --log-level LEVEL   pino level: fatal, error, warn, info, debug (default info; TML_LOG_LEVEL).
  --body-limit BYTES  Largest request body (default ${DEFAULT_BODY_LIMIT}).
  --writer MODE       worker (default: signing and fsync off the event loop) or inline.
  --production        Never create missing keys (also when NODE_ENV=production), and refuse to
                      start without a --chain unless --no-anchoring says so.
  --cors-origin ORIGIN  Allow this browser origin (scheme://host[:port]); repeatable (default: any
                      origin, *; TML_CORS_ORIGINS, comma-separated).

Anchoring (off unless a chain is given; required with --production):
  --no-anchoring            Run without any chain on purpose (with --production); every MTL's
                            causal graph then carries an anchoring_disabled node.
  --chain NETWORK=URL       Anchor on NETWORK through RPC URL; repeatable (TML_CHAINS, comma-separated).
                            Naming a network again adds a fallback URL, tried in order when the
                            ones before it fail: --chain ethereum=URL1 --chain ethereum=URL2.
                            The chain id and CheckpointRegistry come from DEPLOYMENTS/NETWORK.json.
  --deployments DIR         Deployment files (default ./deployments; TML_DEPLOYMENTS_DIR).
  --relayer-key-file FILE   Key of the account that pays for anchors (or TML_RELAYER_KEY).
  --relayer-keystore FILE   Or its encrypted keystore (Web3 Secret Storage JSON, "tml keystore";
                            TML_RELAYER_KEYSTORE), unlocked with --password-file FILE or
                            TML_KEYSTORE_PASSWORD (or a prompt on a terminal).
  --anchor-policy P         Chains that must keep up: all (default), any, k:N (TML_ANCHOR_POLICY).
  --max-epoch-interval SEC  The log's maximum epoch interval as declared on chain (default 3600;
                            TML_MAX_EPOCH_INTERVAL).
  --epoch-period MS         Close an epoch this often when the log grew (default 2000).
  --epoch-size N            Close an epoch at N new MTLs (default 1000).
  --confirmations N         Confirmations per chain (default 1).
  --fee-cap-gwei [NETWORK=]N
                            Highest max fee per gas in gwei, for every chain or for NETWORK
                            (default 200; repeatable; TML_FEE_CAP_GWEI, comma-separated). A market
                            fee above it waits; a transaction not mined in time is replaced at
                            the same nonce with fees up 12.5%, never past it.
  --ots-calendar URL        OpenTimestamps calendar; repeatable (TML_OTS_CALENDARS, comma-separated).
  --anchor-every NETWORK=S[:LEAVES]
                            That chain anchors the newest checkpoint every S seconds (or once
                            LEAVES new leaves are in), skipping the epochs between; NETWORK=every
                            anchors every epoch. Repeatable (TML_ANCHOR_EVERY). Defaults: Ethereum
                            and its test networks 3600, Polygon and Amoy 30 (at most half the
                            maximum epoch interval), other chains every epoch.
  --tiles-origin ORIGIN     Origin line of the C2SP checkpoint note and name of the note key
                            (default tml-anchor/<log id>; TML_TILES_ORIGIN). With a lane and a note
                            key, each checkpoint is published as DATA/tiles (C2SP tlog-tiles),
                            served at /tiles.
OpenAI-compatible proxy (off unless an upstream is given; see gateway/README.md):
  --openai-upstream URL     Upstream base URL as OpenAI clients take it, e.g. http://127.0.0.1:8000/v1
                            (TML_OPENAI_UPSTREAM). Serves POST /v1/chat/completions and GET /v1/models.
  --openai-upstream-key-file FILE  The upstream's API key (or TML_OPENAI_UPSTREAM_KEY).
  --openai-profile PROFILE  Profile of callers that send no x-tml-profile header (default general;
                            TML_OPENAI_PROFILE).
  --openai-caller-profile CALLER=PROFILE  A caller's own profile; repeatable.
Sealed evidence vault (on when custodians are given; see gateway/README.md):
  --custodian NAME=X25519_PUBKEY_HEX  A custodian of the epoch keys; repeatable (TML_CUSTODIANS,
                            comma-separated). Each epoch key is split k-of-n to them.
  --custodian-threshold K   Custodians needed to rebuild an epoch key (default a majority).
  --vault-epoch-period SEC  A fresh data key this often (default 900).
  --vault, --no-vault       Require the vault (refused without custodians), or turn it off.
  --access-registry [NETWORK=]ADDR  The AccessRegistry of the log (TML_ACCESS_REGISTRY; default:
                            the first --chain whose deployment file names one). With one, the
                            custodians and threshold are those the log declared there (read at
                            start; a later declaration applies from the next vault epoch), any
                            --custodian flags must match them, and every access event of the log
                            (request, approval, grant, release) is copied into the log as an MTL
                            of kind access.
  --access-poll-ms MS       How often to read the AccessRegistry's events (default 2000).
  -h, --help          Show this help.

In development, missing keys are created under DATA/keys on the first run, and the log says
which files were created. One gateway per data directory: a second one refuses to start, naming
the holder of DATA/gateway.lock (a lock left by a process that no longer runs is taken over).
`

/**
 * \`tml gateway start\`: runs until SIGINT or SIGTERM, then closes the server, finishes the
 * group commit in flight and closes the store. Resolves with the exit code.
 *
 * @example
 * process.exitCode = await gatewayStart({ argv: ['--port', '8787'], io: processIo })
 */
export async function gatewayStart({
  argv,
  io,
  signal,
}: {
  argv: string[]
  io: CliIo
  signal?: AbortSignal
}): Promise<number> {
  // The options are also the configuration file's keys (src/config/gatewayStartConfig.ts).
  const options = {
    help: { type: 'boolean', short: 'h' },
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    store: { type: 'string' },
    'advertise-url': { type: 'string' },
    keys: { type: 'string' },
    policies: { type: 'string', multiple: true },
    'log-level': { type: 'string' },
    'body-limit': { type: 'string' },
    writer: { type: 'string' },
    production: { type: 'boolean' },
    'cors-origin': { type: 'string', multiple: true },
    chain: { type: 'string', multiple: true },
    deployments: { type: 'string' },
    'relayer-key-file': { type: 'string' },
    'relayer-keystore': { type: 'string' },
    'password-file': { type: 'string' },
    'anchor-policy': { type: 'string' },
    'max-epoch-interval': { type: 'string' },
    'epoch-period': { type: 'string' },
    'epoch-size': { type: 'string' },
    confirmations: { type: 'string' },
    'fee-cap-gwei': { type: 'string', multiple: true },
    'ots-calendar': { type: 'string', multiple: true },
    'anchor-every': { type: 'string', multiple: true },
    'no-anchoring': { type: 'boolean' },
    'tiles-origin': { type: 'string' },
    'openai-upstream': { type: 'string' },
    'openai-upstream-key-file': { type: 'string' },
    'openai-profile': { type: 'string' },
    'openai-caller-profile': { type: 'string', multiple: true },
    custodian: { type: 'string', multiple: true },
    'custodian-threshold': { type: 'string' },
    'vault-epoch-period': { type: 'string' },
    vault: { type: 'boolean' },
    'no-vault': { type: 'boolean' },
    'access-registry': { type: 'string' },
    'access-poll-ms': { type: 'string' },
  } as const
  const { values: flags } = parseArgs({ args: argv, options })
  if (flags.help) {
    io.out(GATEWAY_START_HELP)
    return 0
  }
  const env = io.env
  // The configuration file is the lowest layer: flags > environment > file > defaults.
  let values: typeof flags
  try {
    const file = configFileOf({ flag: flags.config, env, cwd: process.cwd() })
    values = withConfigFile({ flags, env, file, options })
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e
    for (const issue of e.issues) io.err(`${formatConfigIssue(issue)}\n`)
    io.err('tml gateway start: refusing to start with an invalid configuration file\n')
    return 2
  }
  const dataDir = values.data ?? env.TML_DATA_DIR ?? './data'
  const keysDir = values.keys ?? env.TML_KEYS_DIR ?? join(dataDir, 'keys')
  const policyPaths =
    values.policies ?? (env.TML_POLICIES ? env.TML_POLICIES.split(',') : [SHIPPED_POLICIES])
  const production = Boolean(values.production) || env.NODE_ENV === 'production'
  const port = Number(values.port ?? env.TML_PORT ?? 8787)
  const host = values.host ?? env.TML_HOST ?? '127.0.0.1'
  const writer = values.writer ?? 'worker'
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65_535 ||
    (writer !== 'worker' && writer !== 'inline')
  ) {
    io.err(`tml gateway start: invalid --port or --writer\n\n${GATEWAY_START_HELP}`)
    return 2
  }
  let corsOrigins: ReturnType<typeof parseCorsOrigins>
  try {
    corsOrigins = parseCorsOrigins(
      values['cors-origin'] ?? (env.TML_CORS_ORIGINS ? env.TML_CORS_ORIGINS.split(',') : []),
    )
  } catch (e) {
    if (!(e instanceof CorsOriginError)) throw e
    io.err(`tml gateway start: ${e.message}\n`)
    return 2
  }
  const log = pino({
    level: values['log-level'] ?? env.TML_LOG_LEVEL ?? 'info',
    base: { service: 'tml-gateway' },
  })

  let policies: ReturnType<typeof loadPolicies>
  let keys: ReturnType<typeof loadKeys>
  try {
    policies = loadPolicies({ paths: policyPaths })
    keys = loadKeys({ dir: keysDir, env, create: !production })
  } catch (e) {
    if (e instanceof PolicyError) {
      for (const issue of e.issues) io.err(`${formatPolicyIssue(issue)}\n`)
      io.err('tml gateway start: refusing to start with an invalid policy\n')
      return 1
    }
    if (e instanceof KeysError) {
      io.err(`tml gateway start: ${e.shortMessage}\n`)
      return 1
    }
    throw e
  }
  if (keys.created.length > 0) {
    log.warn(
      { files: keys.created, dir: keysDir },
      `development keys created under ${keysDir}: keep them out of version control`,
    )
  }
  for (const { policy, hash, file } of policies.values())
    log.info({ profile: policy.profile, policy_hash: hash, file }, 'policy loaded')

  // The relayer from an encrypted keystore (decrypted in memory) rather than a raw key file.
  let relayerKeystore: Awaited<ReturnType<typeof readKeystore>> | undefined
  try {
    const keystore = values['relayer-keystore'] ?? env.TML_RELAYER_KEYSTORE
    if (keystore)
      relayerKeystore = await readKeystore({
        file: keystore,
        password: await keystorePassword({ passwordFile: values['password-file'], env }),
      })
  } catch (e) {
    if (!(e instanceof KeystoreError)) throw e
    io.err(`tml gateway start: ${e.shortMessage}\n`)
    return 1
  }
  let lane: ReturnType<typeof loadLaneConfig>
  try {
    const list = (v: string | undefined) => (v ? v.split(',').filter((x) => x !== '') : [])
    lane = loadLaneConfig({
      chains: values.chain ?? list(env.TML_CHAINS),
      deploymentsDir: values.deployments ?? env.TML_DEPLOYMENTS_DIR ?? './deployments',
      policy: values['anchor-policy'] ?? env.TML_ANCHOR_POLICY,
      maxEpochIntervalS: values['max-epoch-interval'] ?? env.TML_MAX_EPOCH_INTERVAL,
      epochPeriodMs: values['epoch-period'],
      epochSize: values['epoch-size'],
      confirmations: values.confirmations,
      feeCapGwei: values['fee-cap-gwei'] ?? list(env.TML_FEE_CAP_GWEI),
      otsCalendars: values['ots-calendar'] ?? list(env.TML_OTS_CALENDARS),
      cadences: values['anchor-every'] ?? list(env.TML_ANCHOR_EVERY),
      relayerKey: relayerKeystore?.privateKey ?? env.TML_RELAYER_KEY,
      relayerKeyFile: relayerKeystore ? undefined : values['relayer-key-file'],
    })
  } catch (e) {
    if (!(e instanceof LaneConfigError)) throw e
    io.err(`tml gateway start: ${e.shortMessage}\n`)
    return 1
  }
  const noAnchoring = Boolean(values['no-anchoring'])
  if (lane && noAnchoring) {
    io.err('tml gateway start: --no-anchoring contradicts the --chain options given\n')
    return 2
  }
  // Fail closed: in production, decisions without anchoring are a choice the operator states,
  // and that every MTL records, never the silent result of a missing option.
  if (production && !lane && !noAnchoring) {
    io.err(
      'tml gateway start: --production needs at least one --chain NETWORK=RPC_URL (or TML_CHAINS): ' +
        'without anchoring nothing proves the log was not rewritten. To run without anchoring on ' +
        'purpose, pass --no-anchoring (recorded in every MTL).\n',
    )
    return 1
  }
  if (noAnchoring)
    log.warn('anchoring disabled by --no-anchoring: every MTL records it (anchoring_disabled)')
  const origin = values['tiles-origin'] ?? env.TML_TILES_ORIGIN
  try {
    tilesOrigin({ logId: keys.logId, origin })
  } catch (e) {
    if (!(e instanceof TilesOriginError)) throw e
    io.err(`tml gateway start: ${e.message}\n`)
    return 2
  }

  let openai: ReturnType<typeof openAiProxyConfig>
  try {
    openai = openAiProxyConfig({
      upstream: values['openai-upstream'] ?? env.TML_OPENAI_UPSTREAM,
      keyFile: values['openai-upstream-key-file'],
      key: env.TML_OPENAI_UPSTREAM_KEY,
      profile: values['openai-profile'] ?? env.TML_OPENAI_PROFILE,
      callerProfiles: values['openai-caller-profile'] ?? [],
      profiles: policies,
    })
  } catch (e) {
    if (!(e instanceof ProxyConfigError)) throw e
    io.err(`tml gateway start: ${e.shortMessage}\n`)
    return 2
  }

  // Custodians are declared per log on chain: with an AccessRegistry, the chain decides.
  let vault: Awaited<ReturnType<typeof vaultFromChain>>['vault']
  let access: ReturnType<typeof accessSource>
  let custodyVersion = 0
  const accessPollMs = Number(values['access-poll-ms'] ?? 2000)
  try {
    access = accessSource({
      chains: lane?.chains ?? [],
      deploymentsDir: values.deployments ?? env.TML_DEPLOYMENTS_DIR ?? './deployments',
      flag: values['access-registry'] ?? env.TML_ACCESS_REGISTRY,
    })
    const fromChain = await vaultFromChain({
      custodians: values.custodian ?? (env.TML_CUSTODIANS ? env.TML_CUSTODIANS.split(',') : []),
      threshold: values['custodian-threshold'],
      vault: values.vault,
      noVault: values['no-vault'],
      periodS: values['vault-epoch-period'],
      source: access,
      logId: keys.logId,
    })
    vault = fromChain.vault
    custodyVersion = fromChain.custody?.version ?? 0
    if (!Number.isInteger(accessPollMs) || accessPollMs < 1)
      throw new VaultError(`--access-poll-ms ${values['access-poll-ms']}: a whole number of ms`, {
        code: 'TML_VAULT_CONFIG',
      })
  } catch (e) {
    if (!(e instanceof VaultError)) throw e
    io.err(`tml gateway start: ${e.shortMessage}\n`)
    return 2
  }
  if (access)
    log.info(
      {
        access_registry: access.accessRegistry,
        network: access.network,
        custody_version: custodyVersion,
        custodians: vault?.set.custodians.map((c) => c.name) ?? [],
        threshold: vault?.set.threshold ?? null,
      },
      custodyVersion === 0
        ? 'no custodians declared on chain for this log: the vault is off'
        : 'custodians read from chain',
    )

  // A postgres:// URL keeps the log in PostgreSQL; anything else (or nothing) is SQLite in DATA.
  const store = storeTarget({ store: values.store ?? env.TML_STORE, dataDir })
  const postgresUrl = store.kind === 'postgres' ? store.url : undefined
  // On PostgreSQL the gateway is one replica of the log: it runs the gateway while it leads.
  if (postgresUrl) {
    try {
      return await startReplica({
        postgresUrl,
        host,
        port,
        advertiseUrl: values['advertise-url'] ?? env.TML_ADVERTISE_URL,
        gateway: {
          keys,
          policies,
          dataDir,
          writer,
          ...(lane ? { lane } : {}),
          ...(noAnchoring ? { anchoringDisabled: true } : {}),
          ...(vault ? { vault } : {}),
          onEvent: ({ level, message, ...rest }) => log[level](rest, message),
        },
        server: {
          apiKeys: keys.apiKeys,
          bodyLimit: Number(values['body-limit'] ?? DEFAULT_BODY_LIMIT),
          corsOrigins,
          tilesDir: join(dataDir, 'tiles'),
          ...(openai ? { openai } : {}),
          processMetrics: true,
        },
        // Only the leader copies access events into the log (it alone appends).
        alongside: access
          ? (gateway) =>
              startAccessWatch({
                gateway,
                source: access,
                custodyVersion,
                pollMs: accessPollMs,
                onEvent: ({ level, message, ...rest }) => log[level](rest, message),
              })
          : undefined,
        tilesOrigin: origin,
        log,
        signal,
      })
    } catch (e) {
      if (e instanceof StoreError || e instanceof MigrationError) {
        io.err(`tml gateway start: cannot open the log store: ${e.shortMessage}\n`)
        return 1
      }
      throw e
    }
  }
  let gateway: Awaited<ReturnType<typeof createGateway>>
  try {
    gateway = await createGateway({
      keys,
      policies,
      dataDir,
      writer,
      ...(postgresUrl ? { postgresUrl } : {}),
      ...(lane ? { lane } : {}),
      ...(noAnchoring ? { anchoringDisabled: true } : {}),
      ...(vault ? { vault } : {}),
      onEvent: ({ level, message, ...rest }) => log[level](rest, message),
    })
  } catch (e) {
    if (e instanceof StoreError || e instanceof MigrationError) {
      io.err(`tml gateway start: cannot open the log store: ${e.shortMessage}\n`)
      return 1
    }
    if (e instanceof DataDirLockedError) {
      io.err(`tml gateway start: ${e.shortMessage}\n${e.details ?? ''}\n`)
      return 1
    }
    throw e
  }
  // Every access event of the log on chain becomes an MTL of kind access in the log.
  const accessWatch = access
    ? startAccessWatch({
        gateway,
        source: access,
        custodyVersion,
        pollMs: accessPollMs,
        onEvent: ({ level, message, ...rest }) => log[level](rest, message),
      })
    : undefined
  // C2SP checkpoint note and tiles after each checkpoint, beside the lane (see src/tiles/).
  const tiles = startTileWriter({
    gateway,
    dataDir,
    origin,
    onEvent: ({ level, message, ...rest }) => log[level](rest, message),
  })
  const app = await buildServer({
    gateway,
    apiKeys: keys.apiKeys,
    logger: log,
    bodyLimit: Number(values['body-limit'] ?? DEFAULT_BODY_LIMIT),
    corsOrigins,
    tilesDir: join(dataDir, 'tiles'),
    ...(openai ? { openai } : {}),
    // One gateway per process: prom-client's process metrics are its own.
    processMetrics: true,
  })
  const url = await app.listen({ host, port })
  log.info(
    {
      url,
      log_id: keys.logId,
      log_size: gateway.memory.size,
      anchoring: lane
        ? lane.chains.map((c) => `${c.name}:${c.chainId}`)
        : noAnchoring
          ? 'disabled (--no-anchoring)'
          : 'off',
      restored_pauses: gateway.restoredPauses,
      c2sp_origin: tiles?.origin ?? 'not published',
      openai_upstream: openai?.upstream.baseUrl ?? 'off',
    },
    'listening',
  )

  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    signal?.addEventListener('abort', stop, { once: true })
  })
  log.info('shutting down')
  await app.close()
  await tiles?.stop()
  await accessWatch?.stop()
  await gateway.close()
  return 0
}
