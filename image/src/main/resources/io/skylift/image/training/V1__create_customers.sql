-- The AOT training's own migrations (never an adopter's: their SQL may need extensions, placeholders or hours that an
-- image build does not have): the kinds of statements a deploy runs, for the classes that run them.
CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
