// Writes schema/mtl-1.schema.json from mtlSchema, the one definition of the MTL format. Runs in
// `npm run build`; test/mtl/mtlSchema.test.ts fails if the committed file differs from the source.
import { writeFileSync } from 'node:fs'
import { mtlSchema } from '../src/mtl/mtlSchema.ts'

const target = new URL('../schema/mtl-1.schema.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(mtlSchema, null, 2)}\n`)
console.log(`wrote ${target.pathname}`)
