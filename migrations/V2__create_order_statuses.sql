-- Reference data: the states an order moves through. Seeded here so every environment agrees.
CREATE TABLE order_statuses (
    code        text PRIMARY KEY,
    description text NOT NULL,
    is_final    boolean NOT NULL DEFAULT false
);

INSERT INTO order_statuses (code, description, is_final) VALUES
    ('placed',    'Order received, payment pending', false),
    ('paid',      'Payment captured',                false),
    ('shipped',   'Handed to the carrier',           false),
    ('delivered', 'Delivered to the customer',       true),
    ('cancelled', 'Cancelled before shipping',       true);
