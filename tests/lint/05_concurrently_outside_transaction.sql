-- revision: c0000000005
-- down_revision: c0000000004
-- message: the same statements are fine in a non-transactional step
-- transactional: false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY IF NOT EXISTS purchases_note_idx ON purchases (note);
DROP INDEX CONCURRENTLY IF EXISTS purchases_old_idx;
REINDEX (CONCURRENTLY) INDEX purchases_token_idx;

-- migrate:downgrade
DROP INDEX CONCURRENTLY IF EXISTS purchases_note_idx;
