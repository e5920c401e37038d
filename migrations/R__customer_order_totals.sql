-- Repeatable: re-applied whenever this file changes.
CREATE OR REPLACE VIEW customer_order_totals AS
SELECT c.id                                   AS customer_id,
       c.email,
       count(o.id)                            AS orders,
       coalesce(sum(o.total_cents), 0)        AS total_cents
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
GROUP BY c.id, c.email;
