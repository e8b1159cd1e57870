#!/usr/bin/env node
// Installs the dependencies as `npm start` and `npm test` do on a fresh clone (see
// bootstrap.mjs, `install`): `.ci/run` uses it. Plain JavaScript: it runs on the machine's Node.
import { install } from './bootstrap.mjs'

install()
