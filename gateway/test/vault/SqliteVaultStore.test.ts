import { join } from 'node:path'
import Database from 'better-sqlite3'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { SqliteVaultStore } from '../../src/vault/SqliteVaultStore.ts'
import { LOG_ID, tempDir } from '../helpers/memory.ts'
import { vaultStoreConformance } from './vaultStoreConformance.ts'

// The SQLite vault as the commit worker uses it: on the log store's own write connection,
// sealed records written inside the log's transaction (appendSync's alsoWrite).
vaultStoreConformance('SqliteVaultStore', async () => {
  const path = join(tempDir('tml-vault-store-'), 'log.db')
  const log = SqliteLogStore.open({ path, logId: LOG_ID })
  const vault = new SqliteVaultStore(() => log.connection)
  return {
    vault,
    append: async (entries, sealed) =>
      log.appendSync({ entries, subjectKeys: [], erasedLookups: [] }, () =>
        vault.writeSealed(sealed),
      ),
    size: () => log.size(),
    raw: async (sql) => {
      const db = new Database(path)
      try {
        return db.exec(sql)
      } finally {
        db.close()
      }
    },
    close: async () => {
      await vault.close()
      await log.close()
    },
  }
})
