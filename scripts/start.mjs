#!/usr/bin/env node
// `npm start` on a fresh clone: install what is missing, then run the stack on Node 22.
import { join } from 'node:path'
import { ensureInstalled, onProjectNode, root } from './bootstrap.mjs'

// On Node 20 this process only waits for the Node 22 one: Ctrl-C reaches both, and this one must
// not exit before the stack has stopped (the shell would come back while it is still stopping).
const wait = () => {}
process.on('SIGINT', wait)
process.on('SIGTERM', wait)
ensureInstalled()
onProjectNode(join(root, 'scripts', 'start.ts'))
process.off('SIGINT', wait)
process.off('SIGTERM', wait)
await import('./start.ts')
