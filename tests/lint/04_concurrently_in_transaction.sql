-- revision: c0000000004
-- down_revision: c0000000003
-- message: CONCURRENTLY cannot run in a transactional step
-- transactional: true

-- migrate:upgrade
CREATE INDEX CONCURRENTLY purchases_note_idx ON purchases (note); -- expect: concurrently-in-transaction
DROP INDEX CONCURRENTLY purchases_note_idx; -- expect: concurrently-in-transaction
REINDEX (CONCURRENTLY) INDEX purchases_token_idx; -- expect: concurrently-in-transaction
BEGIN; -- expect: transaction-control
COMMIT; -- expect: transaction-control
/* a block comment
   over two lines */
ROLLBACK; -- expect: transaction-control
START TRANSACTION; -- expect: transaction-control
SAVEPOINT before_backfill; -- expect: transaction-control
ROLLBACK TO SAVEPOINT before_backfill; -- expect: transaction-control
END; -- expect: transaction-control
ABORT; -- expect: transaction-control

-- migrate:downgrade
SELECT 1;
