// The SQLite anchoring store against the AnchorStore behaviour suite, on real database files.
import { join } from 'node:path'
import type { AnchorStore } from '../../src/anchoring/AnchorStore.ts'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import { tempDir } from '../helpers/memory.ts'
import { describeAnchorStore } from './anchorStoreConformance.ts'

const paths = new WeakMap<AnchorStore, string>()

describeAnchorStore('SqliteAnchorStore', {
  async fresh() {
    const path = join(tempDir('tml-anchor-store-'), 'log.db')
    const store = SqliteAnchorStore.open({ path })
    paths.set(store, path)
    return store
  },
  async reopen(store) {
    return SqliteAnchorStore.open({ path: paths.get(store) as string })
  },
})
