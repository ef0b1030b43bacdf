-- revision: 7b4e2d8a1c02
-- down_revision: 3f2a9c1d0e01
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 09:10:00
-- message: categories, sweets and inventory
-- transactional: true

-- migrate:upgrade
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

-- migrate:downgrade
DROP TABLE sweet_inventory;
DROP TABLE sweets;
DROP TABLE categories;
