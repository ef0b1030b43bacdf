-- revision: b1e0live0001
-- down_revision: 2a3b7c4d5e07
-- message: purchase channel
-- transactional: true

-- migrate:upgrade
-- A constant default: no table rewrite, but ALTER TABLE takes an ACCESS EXCLUSIVE lock.
ALTER TABLE purchases ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';

-- migrate:downgrade
ALTER TABLE purchases DROP COLUMN channel;
