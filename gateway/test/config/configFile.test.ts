// `tml gateway start --config`: a YAML file of the start options, the lowest layer under flags and
// the environment, refused with file:line:column for unknown keys, wrong types and secrets.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { gatewayStart } from '../../src/cli/gatewayStart.ts'
import type { CliIo } from '../../src/cli/io.ts'
import { ConfigFileError, formatConfigIssue } from '../../src/config/ConfigFileError.ts'
import {
  configFileOf,
  GATEWAY_START_ENV,
  withConfigFile,
} from '../../src/config/gatewayStartConfig.ts'
import { readConfigFile } from '../../src/config/readConfigFile.ts'
import { startChildGateway } from '../helpers/child.ts'
import { tempDir } from '../helpers/memory.ts'

const OPTIONS = {
  help: { type: 'boolean' },
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  production: { type: 'boolean' },
  chain: { type: 'string', multiple: true },
  'relayer-key-file': { type: 'string' },
  'epoch-size': { type: 'string' },
  store: { type: 'string' },
} as const
const EXAMPLE = fileURLToPath(new URL('../../tml.config.example.yaml', import.meta.url))
const START = fileURLToPath(new URL('../../src/cli/gatewayStart.ts', import.meta.url))

function file(text: string): string {
  const path = join(tempDir(), 'tml.config.yaml')
  writeFileSync(path, text)
  return path
}

function issuesOf(text: string): string[] {
  const path = file(text)
  try {
    withConfigFile({ flags: {}, env: {}, file: path, options: OPTIONS })
  } catch (e) {
    assert.ok(e instanceof ConfigFileError)
    return e.issues.map((i) => formatConfigIssue({ ...i, file: 'F' }))
  }
  assert.fail('the file was accepted')
}

describe('configuration file', () => {
  test('default: keys are the flags; numbers, lists and booleans as parseArgs gives them', () => {
    const path = file(
      'port: 8787\nchain:\n  - ethereum=http://127.0.0.1:8545\nproduction: true\ndata: ./d\n',
    )
    const values = withConfigFile({ flags: {}, env: {}, file: path, options: OPTIONS })
    assert.deepEqual(values, {
      port: '8787',
      chain: ['ethereum=http://127.0.0.1:8545'],
      production: true,
      data: join(path, '..', 'd'),
    })
  })

  test('default: flags > environment > file > defaults', () => {
    const path = file('host: 10.0.0.1\nport: 1111\nepoch-size: 50\n')
    const merged = withConfigFile({
      flags: { port: '3333' } as Record<string, unknown>,
      env: { TML_HOST: '10.0.0.2' },
      file: path,
      options: OPTIONS,
    })
    // port: the flag; host: the environment resolves it (left unset here); epoch-size (no
    // environment variable): the file.
    assert.deepEqual(merged, { port: '3333', 'epoch-size': '50' })
    const fileOnly = withConfigFile({ flags: {}, env: {}, file: path, options: OPTIONS })
    assert.deepEqual(fileOnly, { host: '10.0.0.1', port: '1111', 'epoch-size': '50' })
  })

  test('behavior: --config, then TML_CONFIG, then ./tml.config.yaml when it exists', () => {
    const cwd = tempDir()
    assert.equal(configFileOf({ flag: undefined, env: {}, cwd }), undefined)
    writeFileSync(join(cwd, 'tml.config.yaml'), 'port: 1\n')
    assert.equal(configFileOf({ flag: undefined, env: {}, cwd }), join(cwd, 'tml.config.yaml'))
    assert.equal(configFileOf({ flag: undefined, env: { TML_CONFIG: 'e.yaml' }, cwd }), 'e.yaml')
    assert.equal(configFileOf({ flag: 'f.yaml', env: { TML_CONFIG: 'e.yaml' }, cwd }), 'f.yaml')
  })

  test('adversarial: unknown keys, with a did-you-mean, at their line and column', () => {
    assert.deepEqual(issuesOf('port: 1\nprot: 2\nTML_HOST: x\nepoch_size: 3\nzzz: 1\n'), [
      'F:2:1: prot: unknown option "prot": did you mean "port"?',
      'F:3:1: TML_HOST: unknown option "TML_HOST": did you mean "host"?',
      'F:4:1: epoch_size: unknown option "epoch_size": did you mean "epoch-size"?',
      'F:5:1: zzz: unknown option "zzz"',
    ])
    assert.deepEqual(issuesOf('config: other.yaml\nhelp: true\n'), [
      'F:1:1: config: "config" cannot be set in the configuration file',
      'F:2:1: help: "help" cannot be set in the configuration file',
    ])
  })

  test('adversarial: wrong types at the value', () => {
    assert.deepEqual(
      issuesOf('production: yes\nhost: [a, b]\nport:\nchain: []\ndata: {a: 1}\nepoch-size: 1.5\n'),
      [
        'F:1:13: production: must be true or false',
        'F:2:7: host: takes one value, not a list',
        'F:3:6: port: has no value',
        'F:4:8: chain: the list is empty',
        'F:5:7: data: must be a string or a number',
        'F:6:13: epoch-size: "1.5" is not a whole number: quote it if it is text',
      ],
    )
  })

  test('adversarial: secrets are refused: by name, by shape, in a URL', () => {
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
    assert.deepEqual(
      issuesOf(
        `relayer-key: ${key}\nrelayer-key-file: ${key}\nstore: postgres://tml:hunter2@db/tml\nchain: [ethereum=https://user:pw@rpc.example]\nsigning_secret: x\n`,
      ),
      [
        'F:1:1: relayer-key: secrets are refused in the configuration file: give relayer-key-file (a file of mode 0600) or TML_RELAYER_KEY',
        'F:2:19: relayer-key-file: looks like a private key: secrets never go in the configuration file (use a key file, a keystore or the environment)',
        "F:3:8: store: a URL with a password: put the credentials in the environment (e.g. PGPASSWORD, or the whole URL in the option's TML_ variable)",
        "F:4:9: chain: a URL with a password: put the credentials in the environment (e.g. PGPASSWORD, or the whole URL in the option's TML_ variable)",
        'F:5:1: signing_secret: secrets are refused in the configuration file: keys come from key files, keystores or the environment',
      ],
    )
  })

  test('edge: YAML errors and a document that is not a mapping', () => {
    assert.deepEqual(issuesOf('port: 1\nport: 2\n'), ['F:2:1: Map keys must be unique'])
    assert.deepEqual(issuesOf('- port\n'), [
      'F:1:1: the file must be a mapping of option names to values',
    ])
    assert.deepEqual(
      withConfigFile({ flags: {}, env: {}, file: file('# nothing\n'), options: OPTIONS }),
      {},
    )
  })

  test('default: the shipped example is valid for the real start options', () => {
    const io = capture()
    // An invalid example would stop here with exit 2; a valid one gets as far as the keys.
    return gatewayStart({
      argv: ['--config', EXAMPLE, '--keys', join(tempDir(), 'none')],
      io,
    }).then((code) => {
      assert.equal(code, 1, io.errText())
      assert.doesNotMatch(io.errText(), /configuration/)
      assert.match(io.errText(), /Missing key/)
    })
  })

  test('behavior: an invalid file stops the start with file:line:column, exit 2', async () => {
    const path = file('port: 8787\nanchor-evry: [polygon=30]\n')
    const io = capture()
    assert.equal(await gatewayStart({ argv: ['--config', path], io }), 2)
    assert.equal(
      io.errText(),
      `${path}:2:1: anchor-evry: unknown option "anchor-evry": did you mean "anchor-every"?\ntml gateway start: refusing to start with an invalid configuration file\n`,
    )
  })

  test('behavior: the environment table names every TML_ variable gateway start reads for an option', () => {
    const source = readFileSync(START, 'utf8')
    const pairs = [
      ...source.matchAll(
        /values(?:\.([a-z]+)|\['([a-z-]+)'\]) \?\?\s*\(?(?:list\()?env\.(TML_[A-Z_]+)/g,
      ),
    ].map((m) => [m[1] ?? m[2], m[3]])
    assert.ok(pairs.length >= 10, 'the resolution lines are found')
    for (const [option, variable] of pairs)
      assert.equal(GATEWAY_START_ENV[option as string], variable, `${option} → ${variable}`)
  })

  test('behavior: a real start listens where flags > environment > file say', async () => {
    const dir = tempDir()
    const config = file('host: 127.0.0.2\n')
    const hosts: string[] = []
    for (const [env, args] of [
      [{}, []],
      [{ TML_HOST: '127.0.0.3' }, []],
      [{ TML_HOST: '127.0.0.3' }, ['--host', '127.0.0.4']],
    ] as [Record<string, string>, string[]][]) {
      const gw = await startChildGateway({
        dataDir: dir,
        env: { TML_CONFIG: config, ...env },
        args,
      })
      hosts.push(gw.url.hostname)
      const exited = new Promise((r) => gw.child.once('exit', r))
      gw.child.kill('SIGTERM')
      await exited
    }
    assert.deepEqual(hosts, ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
  })

  test('edge: readConfigFile reads relative paths from the file directory, absolute ones as given', () => {
    const path = file('data: ./here\nrelayer-key-file: /etc/tml/relayer.key\n')
    const values = readConfigFile({
      file: path,
      schema: { options: OPTIONS, paths: ['data', 'relayer-key-file'] },
    })
    assert.deepEqual(values, {
      data: join(path, '..', 'here'),
      'relayer-key-file': '/etc/tml/relayer.key',
    })
  })
})

function capture(): CliIo & { errText(): string } {
  let err = ''
  return {
    out: () => {},
    err: (t) => {
      err += t
    },
    env: {},
    errText: () => err,
  }
}
