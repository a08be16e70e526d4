-- Loads the bundled sample data (examples/data/*.csv) into the schema of
-- schema.sql. Run from the repository's root (the paths are relative):
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f examples/postgres/load.sql
--
-- The sample's lines have no line id: each gets one made of its invoice id
-- and its position in the invoice (INV-0000671/1, INV-0000671/2, ...), as a
-- billing tool's line key. Loading twice replaces the data.

\set ON_ERROR_STOP 1
BEGIN;
TRUNCATE invoice_lines, partners, risk_facts;

\copy partners FROM 'examples/data/partners.csv' WITH (FORMAT csv, HEADER true)
\copy risk_facts FROM 'examples/data/risk.csv' WITH (FORMAT csv, HEADER true)

CREATE TEMP TABLE lines_in (
    position   bigserial,
    partner_id text,
    date       date,
    amount     numeric,
    invoice_id text,
    margin     numeric,
    due_date   date,
    paid_date  date
) ON COMMIT DROP;
\copy lines_in (partner_id, date, amount, invoice_id, margin, due_date, paid_date) FROM 'examples/data/invoices.csv' WITH (FORMAT csv, HEADER true)

INSERT INTO invoice_lines (line_id, partner_id, date, amount, invoice_id, margin, due_date, paid_date)
SELECT invoice_id || '/' || row_number() OVER (PARTITION BY invoice_id ORDER BY position),
       partner_id, date, amount, invoice_id, margin, due_date, paid_date
FROM lines_in;
COMMIT;
ANALYZE invoice_lines;
