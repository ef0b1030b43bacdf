-- revision: 3f2a9c1d0e01
-- down_revision:
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 09:00:00
-- message: users and roles
-- transactional: true

-- migrate:upgrade
CREATE TABLE roles (
    id SMALLINT PRIMARY KEY,
    name VARCHAR(32) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    CONSTRAINT roles_name_key UNIQUE (name),
    CONSTRAINT roles_name_check CHECK (name IN ('admin', 'customer'))
);

INSERT INTO roles (id, name, description) VALUES
    (1, 'admin', 'Manages the catalogue, restocks inventory and reads the audit log'),
    (2, 'customer', 'Browses, buys and reviews sweets');

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    password_hash TEXT NOT NULL,
    role_id SMALLINT NOT NULL DEFAULT 2,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE RESTRICT,
    CONSTRAINT users_email_check CHECK (position('@' IN email) > 1)
);

-- Emails are unique regardless of case: Ann@x.io and ann@x.io are the same person.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_role_id_idx ON users (role_id);

-- migrate:downgrade
DROP TABLE users;
DROP TABLE roles;
