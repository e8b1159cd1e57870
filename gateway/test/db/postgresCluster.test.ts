import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { postgresBinDir } from '../helpers/postgresCluster.ts'

describe('the throwaway PostgreSQL cluster of the tests', () => {
  test('errors: PG_BIN without initdb names what is missing and how to install it', () => {
    assert.throws(
      () => postgresBinDir({ PG_BIN: '/nonexistent/bin' }),
      /PG_BIN=\/nonexistent\/bin holds no initdb\. Install Debian's PostgreSQL with `sudo apt-get install -y postgresql`/,
    )
  })

  test('default: the newest /usr/lib/postgresql/<version>/bin', () => {
    assert.match(postgresBinDir({}), /^\/usr\/lib\/postgresql\/\d+\/bin$/)
  })
})
