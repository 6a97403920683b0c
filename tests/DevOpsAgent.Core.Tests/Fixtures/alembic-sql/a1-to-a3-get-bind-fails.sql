BEGIN;

-- Running upgrade a1 -> a2

ALTER TABLE items DROP COLUMN description;

ALTER TABLE items RENAME name TO title;

ALTER TABLE items ALTER COLUMN qty TYPE BIGINT;

ALTER TABLE items ALTER COLUMN price SET NOT NULL;

ALTER TABLE items ADD COLUMN sku VARCHAR(20) NOT NULL;

ALTER TABLE items ADD COLUMN uid UUID DEFAULT gen_random_uuid();

CREATE UNIQUE INDEX ix_items_title ON items (title);

ALTER TABLE items ADD CONSTRAINT items_order_fkey FOREIGN KEY(order_id) REFERENCES orders (id);

ALTER TABLE items ADD CONSTRAINT ck_qty CHECK (qty >= 0);

ALTER TABLE items ADD CONSTRAINT uq_sku UNIQUE (sku);

ALTER TABLE things ADD CONSTRAINT pk_x PRIMARY KEY (id);

DROP INDEX ix_orders_note;

ALTER TABLE orders RENAME TO purchases;

DROP TABLE legacy;

TRUNCATE audit;

UPDATE items SET qty = 1 WHERE qty IS NULL;

DELETE FROM items WHERE qty < 0;

ALTER TABLE items DROP CONSTRAINT ck_old;

ALTER TABLE items VALIDATE CONSTRAINT fk;

UPDATE alembic_version SET version_num='a2' WHERE alembic_version.version_num = 'a1';

-- Running upgrade a2 -> a3

SELECT 1;

