-- revision: c0000000013
-- down_revision: c0000000012
-- message: a table created in the step is new and empty: no lock or rename rule fires for it
-- transactional: true

-- migrate:upgrade
CREATE TABLE coupons (id BIGINT PRIMARY KEY, code TEXT NOT NULL, user_id BIGINT);
CREATE INDEX coupons_code_idx ON coupons (code);
REINDEX TABLE coupons;
REINDEX INDEX coupons_code_idx;
DROP INDEX coupons_code_idx;
CLUSTER coupons USING coupons_pkey;
LOCK TABLE coupons;
ALTER TABLE coupons ADD COLUMN seat INTEGER UNIQUE;
ALTER TABLE coupons ADD COLUMN meta JSON;
ALTER TABLE coupons ADD COLUMN owner_id BIGINT CHECK (owner_id > 0);
ALTER TABLE coupons ADD CONSTRAINT coupons_one_per_user EXCLUDE USING gist (user_id WITH =);
ALTER TABLE coupons ADD CONSTRAINT coupons_code_check CHECK (code <> '');
ALTER TABLE coupons VALIDATE CONSTRAINT coupons_code_check;
UPDATE coupons SET code = upper(code);
ALTER TABLE coupons RENAME COLUMN code TO coupon_code;
ALTER TABLE coupons RENAME TO vouchers;
ALTER TABLE vouchers RENAME COLUMN seat TO place;
CREATE TABLE coupon_copy AS SELECT * FROM vouchers;
ALTER TABLE coupon_copy RENAME TO coupon_archive;
CREATE SCHEMA promo;
ALTER SCHEMA promo RENAME TO promotions;
CREATE TYPE coupon_state AS ENUM ('new', 'used');
ALTER TYPE coupon_state RENAME VALUE 'used' TO 'redeemed';
CREATE DOMAIN percent AS INTEGER;
ALTER DOMAIN percent ADD CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100);

-- migrate:downgrade
DROP TABLE coupon_archive;
DROP TABLE vouchers;
