-- revision: c0000000008
-- down_revision: c0000000007
-- message: a statement PostgreSQL cannot parse
-- transactional: true

-- migrate:upgrade
SELECT 1;
ALTER TABLEX users ADD COLUMN x int; -- expect: syntax-error

-- migrate:downgrade
SELECT 1;
