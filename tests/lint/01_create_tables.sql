-- revision: c0000000001
-- down_revision:
-- message: tables created in this step are new, so nothing here is risky
-- transactional: true

-- migrate:upgrade
CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    nickname VARCHAR(50),
    karma INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sweets (id BIGSERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL, price NUMERIC(10,2));
CREATE TABLE purchases (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    sweet_id BIGINT,
    quantity SMALLINT NOT NULL,
    note TEXT
);
CREATE INDEX purchases_user_id_idx ON purchases (user_id);
ALTER TABLE purchases ADD CONSTRAINT purchases_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE purchases ADD CONSTRAINT purchases_quantity_check CHECK (quantity > 0);
ALTER TABLE purchases ADD COLUMN token UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE purchases ALTER COLUMN quantity TYPE INTEGER;
ALTER TABLE purchases ALTER COLUMN note SET NOT NULL;
CREATE TABLE scratch (id INT);
DROP TABLE scratch;
INSERT INTO users (email) VALUES ('admin@example.com');

-- migrate:downgrade
DROP TABLE purchases;
DROP TABLE sweets;
DROP TABLE users;
