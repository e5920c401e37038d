package io.skylift.image.bench;

import io.skylift.image.StagedBuild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's migration folders, written fresh for each run. */
final class Workloads {
    /** The application password, for every tool alike. */
    static final String APP_PASSWORD = "bench-App-Pa55word";
    /** The placeholder the repository's V4 needs ({@code ${app_password_scram}}): a verifier of the password. */
    static final String APP_PASSWORD_SCRAM = io.skylift.migrator.secrets.ScramVerifiers.verifierOf(APP_PASSWORD);

    private Workloads() {
    }

    /**
     * The repository's migrations (V1–V4 and a repeatable view) followed by generated ones that a shop's schema
     * would plausibly grow by: tables with keys and checks, indexes, columns, enum types, triggers and their
     * functions, seed data, views (repeatable), comments — {@code versioned} versioned migrations in all.
     */
    static Path realistic(Path repositoryMigrations, Path target, int versioned) {
        StagedBuild.deleteTree(target);
        StagedBuild.copyTree(repositoryMigrations, target);
        List<String> steps = realisticSteps();
        int existing = 4;
        for (int version = existing + 1; version <= versioned; version++) {
            String sql = steps.get((version - existing - 1) % steps.size())
                    .replace("{n}", Integer.toString(version));
            write(target.resolve("V" + version + "__" + name(sql) + ".sql"), sql);
        }
        write(target.resolve("R__product_catalog.sql"), """
                -- Repeatable: the catalogue the storefront reads, re-created when this file changes.
                DROP VIEW IF EXISTS product_catalog;
                CREATE VIEW product_catalog AS
                SELECT p.id, p.sku, p.name, p.price_cents, coalesce(sum(s.on_hand), 0) AS on_hand
                FROM products p LEFT JOIN stock_levels s ON s.product_id = p.id
                GROUP BY p.id, p.sku, p.name, p.price_cents;
                """);
        return target;
    }

    /** {@code count} small versioned migrations, one table each. */
    static Path scale(Path target, int count) {
        StagedBuild.deleteTree(target);
        for (int version = 1; version <= count; version++) {
            write(target.resolve("V" + version + "__scale_table_" + version + ".sql"),
                    "CREATE TABLE scale_" + version + " (id int PRIMARY KEY, label text NOT NULL DEFAULT 'x');\n");
        }
        return target;
    }

    /** {@code V<n>__<name>}: the first comment line of a step, in lower case with underscores. */
    private static String name(String sql) {
        String first = sql.lines().findFirst().orElse("-- step").replaceFirst("^--\\s*", "");
        String name = first.toLowerCase().replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return name.length() > 40 ? name.substring(0, 40).replaceAll("_+$", "") : name;
    }

    private static List<String> realisticSteps() {
        List<String> steps = new ArrayList<>();
        steps.add("""
                -- create products
                CREATE TABLE products (
                    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    sku         text   NOT NULL UNIQUE,
                    name        text   NOT NULL,
                    price_cents bigint NOT NULL CHECK (price_cents >= 0),
                    created_at  timestamptz NOT NULL DEFAULT now()
                );
                """);
        steps.add("""
                -- create order lines
                CREATE TABLE order_lines (
                    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                    product_id  bigint NOT NULL REFERENCES products (id),
                    quantity    int    NOT NULL CHECK (quantity > 0),
                    price_cents bigint NOT NULL,
                    PRIMARY KEY (order_id, product_id)
                );
                """);
        steps.add("""
                -- index order lines by product
                CREATE INDEX order_lines_product_idx ON order_lines (product_id);
                """);
        steps.add("""
                -- customer contact preferences
                ALTER TABLE customers ADD COLUMN phone text;
                ALTER TABLE customers ADD COLUMN marketing_opt_in boolean NOT NULL DEFAULT false;
                """);
        steps.add("""
                -- seed the product catalogue
                INSERT INTO products (sku, name, price_cents)
                SELECT 'SKU-' || lpad(g::text, 5, '0'), 'Product ' || g, (g * 137) % 10000
                FROM generate_series(1, 500) AS g;
                """);
        steps.add("""
                -- create addresses
                CREATE TABLE addresses (
                    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
                    kind        text   NOT NULL CHECK (kind IN ('billing', 'shipping')),
                    line1       text   NOT NULL,
                    city        text   NOT NULL,
                    postcode    text   NOT NULL,
                    country     char(2) NOT NULL
                );
                CREATE INDEX addresses_customer_idx ON addresses (customer_id);
                """);
        steps.add("""
                -- track updates of products
                ALTER TABLE products ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
                CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.updated_at := now();
                    RETURN NEW;
                END
                $$;
                CREATE TRIGGER products_touch BEFORE UPDATE ON products
                    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
                """);
        steps.add("""
                -- create payments
                CREATE TYPE payment_method AS ENUM ('card', 'transfer', 'voucher');
                CREATE TABLE payments (
                    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    order_id     bigint NOT NULL REFERENCES orders (id),
                    method       payment_method NOT NULL,
                    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
                    captured_at  timestamptz
                );
                CREATE INDEX payments_order_idx ON payments (order_id);
                """);
        steps.add("""
                -- create warehouses
                CREATE TABLE warehouses (
                    code text PRIMARY KEY,
                    name text NOT NULL
                );
                INSERT INTO warehouses (code, name) VALUES ('AMS', 'Amsterdam'), ('BER', 'Berlin'), ('LYS', 'Lyon');
                """);
        steps.add("""
                -- create stock levels
                CREATE TABLE stock_levels (
                    product_id bigint NOT NULL REFERENCES products (id),
                    warehouse  text   NOT NULL REFERENCES warehouses (code),
                    on_hand    int    NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
                    PRIMARY KEY (product_id, warehouse)
                );
                INSERT INTO stock_levels (product_id, warehouse, on_hand)
                SELECT p.id, w.code, (p.id * 7) % 50 FROM products p CROSS JOIN warehouses w;
                """);
        steps.add("""
                -- search products by name
                CREATE INDEX products_name_lower_idx ON products (lower(name));
                """);
        steps.add("""
                -- create coupons
                CREATE TABLE coupons (
                    code        text PRIMARY KEY,
                    percent_off int  NOT NULL CHECK (percent_off BETWEEN 1 AND 100),
                    valid_until date NOT NULL
                );
                ALTER TABLE orders ADD COLUMN coupon_code text REFERENCES coupons (code);
                """);
        steps.add("""
                -- audit log of order status changes
                CREATE TABLE order_status_history (
                    order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                    status     text   NOT NULL REFERENCES order_statuses (code),
                    changed_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE FUNCTION record_order_status() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
                        INSERT INTO order_status_history (order_id, status) VALUES (NEW.id, NEW.status);
                    END IF;
                    RETURN NEW;
                END
                $$;
                CREATE TRIGGER orders_status_history AFTER INSERT OR UPDATE OF status ON orders
                    FOR EACH ROW EXECUTE FUNCTION record_order_status();
                """);
        steps.add("""
                -- shipments
                CREATE TABLE shipments (
                    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    order_id    bigint NOT NULL REFERENCES orders (id),
                    carrier     text   NOT NULL,
                    tracking    text,
                    shipped_at  timestamptz NOT NULL DEFAULT now()
                );
                CREATE UNIQUE INDEX shipments_tracking_idx ON shipments (carrier, tracking) WHERE tracking IS NOT NULL;
                """);
        steps.add("""
                -- document the schema
                COMMENT ON TABLE products IS 'What the shop sells; prices in cents of the shop currency.';
                COMMENT ON TABLE stock_levels IS 'Units on hand per product and warehouse.';
                COMMENT ON COLUMN orders.total_cents IS 'Sum of the order lines after coupons, in cents.';
                """);
        steps.add("""
                -- product categories
                CREATE TABLE categories (
                    id        int  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    parent_id int  REFERENCES categories (id),
                    name      text NOT NULL
                );
                ALTER TABLE products ADD COLUMN category_id int REFERENCES categories (id);
                CREATE INDEX products_category_idx ON products (category_id);
                """);
        steps.add("""
                -- seed categories
                INSERT INTO categories (name) VALUES ('Kitchen'), ('Garden'), ('Office'), ('Toys');
                UPDATE products SET category_id = 1 + (id % 4);
                """);
        steps.add("""
                -- returns
                CREATE TABLE returns (
                    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    order_id   bigint NOT NULL REFERENCES orders (id),
                    product_id bigint NOT NULL REFERENCES products (id),
                    quantity   int    NOT NULL CHECK (quantity > 0),
                    reason     text,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                """);
        steps.add("""
                -- customers lifetime value
                CREATE MATERIALIZED VIEW customer_lifetime_value AS
                SELECT customer_id, sum(total_cents) AS total_cents, count(*) AS orders
                FROM orders GROUP BY customer_id;
                CREATE UNIQUE INDEX customer_lifetime_value_idx ON customer_lifetime_value (customer_id);
                """);
        steps.add("""
                -- price history
                CREATE TABLE price_history (
                    product_id  bigint NOT NULL REFERENCES products (id),
                    price_cents bigint NOT NULL,
                    valid_from  timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (product_id, valid_from)
                );
                INSERT INTO price_history (product_id, price_cents) SELECT id, price_cents FROM products;
                """);
        steps.add("""
                -- email must be unique case insensitively
                ALTER TABLE customers DROP CONSTRAINT customers_email_unique;
                CREATE UNIQUE INDEX customers_email_lower_idx ON customers (lower(email));
                """);
        steps.add("""
                -- gift cards
                CREATE TABLE gift_cards (
                    code          text PRIMARY KEY,
                    balance_cents bigint NOT NULL CHECK (balance_cents >= 0),
                    issued_at     timestamptz NOT NULL DEFAULT now()
                );
                """);
        steps.add("""
                -- order notes
                ALTER TABLE orders ADD COLUMN notes text;
                ALTER TABLE orders ADD COLUMN gift boolean NOT NULL DEFAULT false;
                """);
        steps.add("""
                -- reviews
                CREATE TABLE reviews (
                    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    product_id  bigint NOT NULL REFERENCES products (id),
                    customer_id bigint NOT NULL REFERENCES customers (id),
                    stars       int    NOT NULL CHECK (stars BETWEEN 1 AND 5),
                    body        text,
                    created_at  timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (product_id, customer_id)
                );
                """);
        steps.add("""
                -- app role may read the catalogue
                DO $$
                BEGIN
                    EXECUTE format('GRANT SELECT ON products, categories, stock_levels, warehouses TO %I',
                                   current_database() || '_app');
                END
                $$;
                """);
        steps.add("""
                -- order totals by day
                CREATE INDEX orders_placed_day_idx ON orders (date_trunc('day', placed_at AT TIME ZONE 'UTC'));
                """);
        return steps;
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
