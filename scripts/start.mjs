#!/usr/bin/env node
// `npm start` on a fresh clone: install what is missing, then run the stack on Node 22.
import { join } from 'node:path'
import { ensureInstalled, onProjectNode, root } from './bootstrap.mjs'

ensureInstalled()
onProjectNode(join(root, 'scripts', 'start.ts'))
await import('./start.ts')
