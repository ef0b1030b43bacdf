-- The SweetShop's desired schema: what the database must look like at the scripts' head.
-- It plays the role SQLAlchemy models play for Alembic. Edit it, then run
--   retort revision --autogenerate -m "what changed"
-- to get a script with the upgrade and downgrade, and `retort check` (CI) to confirm that the
-- scripts and this file agree. Retort loads it into a scratch database, so it is plain
-- PostgreSQL DDL: no data, no migrations, just the end state.

CREATE TABLE roles (
    id SMALLINT PRIMARY KEY,
    name VARCHAR(32) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    CONSTRAINT roles_name_key UNIQUE (name),
    CONSTRAINT roles_name_check CHECK (name IN ('admin', 'customer'))
);

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

CREATE TABLE categories (
    id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    slug VARCHAR(80) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT categories_name_key UNIQUE (name),
    CONSTRAINT categories_slug_key UNIQUE (slug),
    CONSTRAINT categories_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);

CREATE TABLE sweets (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id INTEGER NOT NULL,
    name VARCHAR(120) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    price_cents INTEGER NOT NULL,
    is_available BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT sweets_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE RESTRICT,
    CONSTRAINT sweets_price_cents_check CHECK (price_cents > 0),
    CONSTRAINT sweets_category_id_name_key UNIQUE (category_id, name)
);

CREATE INDEX sweets_category_id_idx ON sweets (category_id);
CREATE INDEX sweets_available_name_idx ON sweets (name) WHERE is_available;

-- One row per sweet: stock is updated in place by purchases and restocks.
CREATE TABLE sweet_inventory (
    sweet_id BIGINT PRIMARY KEY,
    quantity INTEGER NOT NULL DEFAULT 0,
    reorder_level INTEGER NOT NULL DEFAULT 10,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT sweet_inventory_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE CASCADE,
    CONSTRAINT sweet_inventory_quantity_check CHECK (quantity >= 0),
    CONSTRAINT sweet_inventory_reorder_level_check CHECK (reorder_level >= 0)
);

CREATE TABLE purchases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL,
    sweet_id BIGINT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    total_cents INTEGER GENERATED ALWAYS AS (quantity * unit_price_cents) STORED,
    purchased_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- RESTRICT: purchases are accounting records, so a buyer cannot be deleted outright.
    CONSTRAINT purchases_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT purchases_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE RESTRICT,
    CONSTRAINT purchases_quantity_check CHECK (quantity > 0),
    CONSTRAINT purchases_unit_price_cents_check CHECK (unit_price_cents > 0)
);

CREATE INDEX purchases_user_id_purchased_at_idx ON purchases (user_id, purchased_at DESC);
CREATE INDEX purchases_sweet_id_idx ON purchases (sweet_id);

CREATE TABLE restocks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sweet_id BIGINT NOT NULL,
    admin_id BIGINT NOT NULL,
    quantity INTEGER NOT NULL,
    note TEXT,
    restocked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT restocks_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE CASCADE,
    CONSTRAINT restocks_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT restocks_quantity_check CHECK (quantity > 0)
);

CREATE INDEX restocks_sweet_id_restocked_at_idx ON restocks (sweet_id, restocked_at DESC);
CREATE INDEX restocks_admin_id_idx ON restocks (admin_id);

CREATE TABLE reviews (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL,
    sweet_id BIGINT NOT NULL,
    rating SMALLINT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT reviews_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT reviews_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE CASCADE,
    CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
    CONSTRAINT reviews_user_id_sweet_id_key UNIQUE (user_id, sweet_id)
);

CREATE INDEX reviews_sweet_id_idx ON reviews (sweet_id);

-- A token is identified by its `jti` claim; rows can be purged once `expires_at` has passed.
CREATE TABLE revoked_tokens (
    jti UUID PRIMARY KEY,
    user_id BIGINT NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    reason VARCHAR(64) NOT NULL DEFAULT 'logout',
    CONSTRAINT revoked_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT revoked_tokens_expiry_check CHECK (expires_at > revoked_at)
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);
CREATE INDEX revoked_tokens_user_id_idx ON revoked_tokens (user_id);

CREATE TYPE audit_action AS ENUM ('create', 'update', 'delete', 'login', 'logout', 'restock', 'purchase');

-- The actor is kept as NULL when a user is deleted so that the trail itself survives.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id BIGINT,
    action audit_action NOT NULL,
    entity_type VARCHAR(64) NOT NULL,
    entity_id TEXT,
    details JSONB NOT NULL DEFAULT '{}'::jsonb,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);
