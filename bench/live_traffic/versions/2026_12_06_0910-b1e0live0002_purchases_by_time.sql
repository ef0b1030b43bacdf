-- revision: b1e0live0002
-- down_revision: b1e0live0001
-- message: purchases by time
-- transactional: false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY IF NOT EXISTS purchases_purchased_at_idx ON purchases (purchased_at);

-- migrate:downgrade
DROP INDEX CONCURRENTLY IF EXISTS purchases_purchased_at_idx;
