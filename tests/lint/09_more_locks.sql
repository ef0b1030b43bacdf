-- revision: c0000000009
-- down_revision: c0000000008
-- message: more statements that block an existing table, and the safe forms next to them
-- transactional: true

-- migrate:upgrade
REINDEX TABLE purchases; -- expect: reindex-without-concurrently
REINDEX INDEX purchases_token_idx; -- expect: reindex-without-concurrently
REINDEX SCHEMA public; -- expect: not-in-transaction, reindex-without-concurrently
DROP INDEX users_email_idx; -- expect: drop-index-without-concurrently
VACUUM FULL purchases; -- expect: not-in-transaction, vacuum-full-or-cluster
VACUUM purchases; -- expect: not-in-transaction
ANALYZE purchases;
CLUSTER purchases USING purchases_pkey; -- expect: vacuum-full-or-cluster
LOCK TABLE users; -- expect: lock-table
LOCK TABLE purchases IN SHARE MODE; -- expect: lock-table
LOCK TABLE purchases IN ROW EXCLUSIVE MODE;
ALTER TABLE purchases DETACH PARTITION purchases_2020; -- expect: detach-partition-without-concurrently
ALTER TABLE purchases ADD CONSTRAINT purchases_one_per_user EXCLUDE USING gist (user_id WITH =); -- expect: exclusion-constraint
ALTER TABLE users ADD COLUMN referrer_id BIGINT REFERENCES users (id); -- expect: constraint-missing-not-valid
ALTER TABLE users ADD COLUMN score INTEGER CHECK (score >= 0); -- expect: constraint-missing-not-valid
ALTER TABLE users ADD COLUMN handle TEXT UNIQUE; -- expect: unique-constraint-without-index
ALTER TABLE users ADD COLUMN row_id BIGSERIAL PRIMARY KEY; -- expect: volatile-default, unique-constraint-without-index
ALTER TABLE users ADD COLUMN referred_by BIGINT;
ALTER TABLE users ADD CONSTRAINT users_referred_by_fk FOREIGN KEY (referred_by) REFERENCES users (id) NOT VALID;
ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0); -- expect: constraint-missing-not-valid
ALTER DOMAIN positive_int ADD CONSTRAINT positive_too CHECK (VALUE > 0) NOT VALID;
SET lock_timeout = '10min'; -- expect: lock-timeout-override
SET LOCAL statement_timeout = 0; -- expect: lock-timeout-override
RESET lock_timeout; -- expect: lock-timeout-override
RESET ALL; -- expect: lock-timeout-override
SET search_path = public;
SET LOCAL work_mem = '64MB';
CREATE DATABASE scratch; -- expect: not-in-transaction
DROP DATABASE scratch; -- expect: not-in-transaction, drop-database
ALTER SYSTEM SET max_connections = 200; -- expect: not-in-transaction

-- migrate:downgrade
SELECT 1;
