import Database from 'better-sqlite3'

/**
 * What an attacker with the database file does to sealed evidence: flips one bit of the sealed
 * envelope that holds the record of `traceId` (its commit batch's), `fromEnd` bytes before its
 * end, past the write-once trigger.
 *
 * @example
 * flipSealedByte(join(dir, 'log.db'), traceId, 20)
 */
export function flipSealedByte(path: string, traceId: string, fromEnd: number): void {
  const db = new Database(path)
  try {
    const row = db
      .prepare(
        `SELECT b.first_seq, b.envelope FROM entries e, vault_batches b WHERE e.trace_id = ?
         AND b.first_seq = (SELECT max(first_seq) FROM vault_batches WHERE first_seq <= e.seq)`,
      )
      .get(traceId) as { first_seq: number; envelope: Buffer } | undefined
    if (!row) throw new Error(`no sealed envelope holds trace ${traceId}`)
    const envelope = Buffer.from(row.envelope)
    const at = envelope.length - fromEnd
    envelope[at] = (envelope[at] as number) ^ 1
    db.exec('DROP TRIGGER vault_batches_no_update')
    db.prepare('UPDATE vault_batches SET envelope = ? WHERE first_seq = ?').run(
      envelope,
      row.first_seq,
    )
  } finally {
    db.close()
  }
}
