-- pgbench: the checkout transaction of `POST /api/v1/orders`, straight to PostgreSQL, for one
-- unit of a random product: conditional stock decrement, order, vendor part, item, outbox
-- row. Variables: products_first, products_last, shoppers_first, shoppers_last (`-D`).
--
--   pgbench -n -M prepared -f benches/orders/checkout.sql -c 16 -j 2 -T 15 -D ...
\set product random(:products_first, :products_last)
\set shopper random(:shoppers_first, :shoppers_last)
BEGIN;
UPDATE products SET stock = stock - 1 WHERE id = :product AND stock >= 1
    RETURNING vendor_id, currency, price_minor \gset
INSERT INTO orders (shopper_id, state, currency, total_minor, expires_at)
    VALUES (:shopper, 'created', :currency, :price_minor, now() + interval '30 minutes') RETURNING id AS order_id \gset
INSERT INTO order_parts (order_id, vendor_id, state, subtotal_minor)
    VALUES (:order_id, :vendor_id, 'created', :price_minor) RETURNING id AS part_id \gset
INSERT INTO order_items (order_id, part_id, product_id, quantity, unit_price_minor)
    VALUES (:order_id, :part_id, :product, 1, :price_minor);
INSERT INTO outbox (type, subject, payload)
    VALUES ('order.created', 'order/' || :order_id,
            jsonb_build_object('id', CAST(:order_id AS bigint), 'state', 'created', 'shopper_id', CAST(:shopper AS bigint),
                               'total', jsonb_build_object('currency', CAST(:currency AS text), 'minor', CAST(:price_minor AS bigint)),
                               'parts', jsonb_build_array(jsonb_build_object('vendor_id', CAST(:vendor_id AS bigint),
                                   'items', jsonb_build_array(jsonb_build_object('product_id', CAST(:product AS bigint), 'quantity', 1))))));
END;
