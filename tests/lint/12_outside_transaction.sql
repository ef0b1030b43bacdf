-- revision: c0000000012
-- down_revision: c0000000011
-- message: the concurrent forms, in a non-transactional step
-- transactional: false

-- migrate:upgrade
REINDEX TABLE CONCURRENTLY purchases;
REINDEX (CONCURRENTLY) SCHEMA public;
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
ALTER TABLE purchases DETACH PARTITION purchases_2021 CONCURRENTLY;
VACUUM (ANALYZE) purchases;
VACUUM FULL users; -- expect: vacuum-full-or-cluster
LOCK TABLE users; -- expect: lock-table
ALTER TABLE users ADD COLUMN level INTEGER;
UPDATE users SET level = 1;

-- migrate:downgrade
ALTER TABLE users DROP COLUMN level;
