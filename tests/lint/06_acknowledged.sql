-- revision: c0000000006
-- down_revision: c0000000005
-- message: acknowledgements in the script
-- transactional: true

-- migrate:upgrade
-- retort:ack-file index-without-concurrently the table holds fewer than 100 rows
-- The nicknames were copied to profiles in the previous release.
-- retort:ack drop-column copied to profiles.nickname in c0000000005
ALTER TABLE users DROP COLUMN tier; -- expect-acked: drop-column

CREATE INDEX users_created_idx ON users (created_at); -- expect-acked: index-without-concurrently
TRUNCATE purchases -- expect-acked: truncate
; -- retort:ack truncate test data only

-- retort:ack drop-column -- expect: ack-without-reason
ALTER TABLE users DROP COLUMN double_karma; -- expect: drop-column
-- retort:ack ack-me-not because I said so -- expect: ack-without-reason
ALTER TABLE users DROP COLUMN seen_at; -- expect: drop-column

-- retort:ack truncate applies to the next statement only
SELECT 1;
TRUNCATE sweets; -- expect: truncate

-- migrate:downgrade
SELECT 1;
