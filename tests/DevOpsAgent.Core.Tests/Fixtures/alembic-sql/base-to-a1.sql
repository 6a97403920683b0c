BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> a1

CREATE TABLE orders (
    id SERIAL NOT NULL, 
    note TEXT DEFAULT 'it''s; fine', 
    PRIMARY KEY (id)
);

CREATE INDEX ix_orders_note ON orders (note);

ALTER TABLE items ADD COLUMN price NUMERIC(10, 2);

ALTER TABLE items ADD COLUMN qty INTEGER DEFAULT '0' NOT NULL;

COMMENT ON TABLE orders IS 'Orders; placed';

COMMIT;

CREATE INDEX CONCURRENTLY ix_items_price ON items (price);

BEGIN;

ALTER TABLE items ADD CONSTRAINT fk FOREIGN KEY(order_id) REFERENCES orders (id) NOT VALID;

CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := 'a;b'; RETURN NEW; END; $$ LANGUAGE plpgsql;

INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;

COMMIT;

