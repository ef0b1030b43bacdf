-- revision: c0000000002
-- down_revision: c0000000001
-- message: statements that delete or cut data
-- transactional: true

-- migrate:upgrade
ALTER TABLE users DROP COLUMN nickname; -- expect: drop-column
TRUNCATE purchases; -- expect: truncate
DROP SCHEMA legacy CASCADE; -- expect: drop-schema
ALTER TABLE sweets ALTER COLUMN name TYPE VARCHAR(40); -- expect: narrowing-type
ALTER TABLE sweets ALTER COLUMN price TYPE NUMERIC(8,2); -- expect: narrowing-type
ALTER TABLE purchases ALTER COLUMN user_id TYPE INTEGER; -- expect: narrowing-type
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(400);
ALTER TABLE users ALTER COLUMN email TYPE TEXT;
ALTER TABLE sweets ALTER COLUMN price TYPE NUMERIC(12,2);
DROP TABLE -- expect: drop-table
    sweets;
DROP INDEX IF EXISTS purchases_user_id_idx; -- expect: drop-index-without-concurrently
DELETE FROM purchases WHERE quantity > 100; -- expect: work-while-locked

-- migrate:downgrade
SELECT 1;
