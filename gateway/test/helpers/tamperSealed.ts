import Database from 'better-sqlite3'
import { decodeEnvelope } from '../../src/vault/envelope.ts'
import { SqliteVaultStore } from '../../src/vault/SqliteVaultStore.ts'

/**
 * What an attacker with the database file does to sealed evidence: flips one bit of the sealed
 * envelope that holds the record of `traceId`, `fromEnd` bytes before its end, past the
 * write-once trigger. The envelope is found as every reader finds it (the vault store), and its
 * row by the first seq its header names.
 *
 * @example
 * await flipSealedByte(join(dir, 'log.db'), traceId, 20)
 */
export async function flipSealedByte(path: string, traceId: string, fromEnd: number) {
  const vault = SqliteVaultStore.open({ path })
  const sealed = await vault.sealedByTraceId(traceId).finally(() => vault.close())
  if (!sealed) throw new Error(`no sealed envelope holds trace ${traceId}`)
  const header = decodeEnvelope(sealed.envelope)
  if (header.version !== 2) throw new Error(`trace ${traceId} is in a tml-vault/1 envelope`)
  const envelope = Buffer.from(sealed.envelope)
  const at = envelope.length - fromEnd
  envelope[at] = (envelope[at] as number) ^ 1
  const db = new Database(path)
  try {
    db.exec('DROP TRIGGER vault_batches_no_update')
    db.prepare('UPDATE vault_batches SET envelope = ? WHERE first_seq = ?').run(
      envelope,
      header.firstSeq,
    )
  } finally {
    db.close()
  }
}
