import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import OpenAI from 'openai'
import { startDemoUpstream } from '../../../src/proxy/openai/demoUpstream.ts'
import { killHard, startChildGateway } from '../../helpers/child.ts'
import { API_TOKEN, policyDirWith } from '../../helpers/gateway.ts'
import { tempDir } from '../../helpers/memory.ts'
import { chatPolicy } from './helpers.ts'

describe('tml gateway start --openai-upstream', () => {
  test('behavior: the started gateway proxies with the upstream key from its file and the profile named by --openai-profile', async () => {
    const upstream = await startDemoUpstream({ apiKey: 'upstream-secret' })
    const dir = tempDir('tml-proxy-cli-')
    const keyFile = join(dir, 'upstream-key')
    writeFileSync(keyFile, 'upstream-secret\n')
    const policies = policyDirWith(dir, {
      'chat.yaml': chatPolicy({ monitorUrl: `${upstream.url}/moderations` }),
    })
    const g = await startChildGateway({
      dataDir: join(dir, 'data'),
      env: { TML_API_KEYS: `tester:${API_TOKEN}` },
      args: [
        '--policies',
        policies,
        '--openai-upstream',
        upstream.url,
        '--openai-upstream-key-file',
        keyFile,
        '--openai-profile',
        'chat',
      ],
    })
    try {
      const client = new OpenAI({ baseURL: `${g.url.origin}/v1`, apiKey: API_TOKEN, maxRetries: 0 })
      const { data, response } = await client.chat.completions
        .create({ model: 'tml-demo-1', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse()
      assert.equal(data.choices[0]?.message.content, 'You said: hi.')
      assert.equal(response.headers.get('x-tml-state'), '1')
      // The upstream got its own key, never the caller's gateway key.
      const call = upstream.requests.find((r) => r.path === '/v1/chat/completions')
      assert.equal(call?.authorization, 'Bearer upstream-secret')
      await assert.rejects(
        client.chat.completions.create({
          model: 'm',
          messages: [{ role: 'user', content: 'password?' }],
        }),
        (e: unknown) => e instanceof OpenAI.PermissionDeniedError,
      )
    } finally {
      await killHard(g)
      await upstream.close()
    }
  })
})
