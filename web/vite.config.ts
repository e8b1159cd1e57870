import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// The page imports core from its TypeScript source (no build step, and tree-shaken with the page).
const coreSource = fileURLToPath(new URL('../core/src/index.ts', import.meta.url))
// The auditor view runs the gateway's own pure code (decision engine, vault opening, replay
// comparison) from its source: one implementation for `tml replay` and the page. Only the files
// it imports are bundled, lazily with that view; they use no node-only module.
const gatewaySource = fileURLToPath(new URL('../gateway/src', import.meta.url))

export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: { alias: { '@tml/core': coreSource, '@tml/gateway': gatewaySource } },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022', manifest: true, sourcemap: false },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
  },
})
