-- The billing database of examples/postgres.rs: a billing tool's invoice
-- lines, partners and risk facts (what it owns), and the two tables the
-- quarterly review job writes (reviews, assessments).
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f examples/postgres/schema.sql
--
-- Money is numeric (exact), never float or money; dates are date.

CREATE TABLE IF NOT EXISTS partners (
    partner_id     text PRIMARY KEY,
    name           text,
    region         text,
    specialisation text,
    start_date     date,
    channel        text
);

-- One row per invoice line, with the billing tool's line identity. The
-- columns are the CSV import's (partner_id, date, amount, currency,
-- invoice_id, line_id, margin, cost, due_date, paid_date).
CREATE TABLE IF NOT EXISTS invoice_lines (
    line_id    text PRIMARY KEY,
    partner_id text NOT NULL,
    date       date NOT NULL,
    amount     numeric NOT NULL,
    currency   char(3) NOT NULL DEFAULT 'RUB',
    invoice_id text,
    margin     numeric,
    cost       numeric,
    due_date   date,
    paid_date  date
);
-- The job reads the lines before the review date.
CREATE INDEX IF NOT EXISTS invoice_lines_date ON invoice_lines (date);

-- Risk facts beyond the ledger, at most one row per partner (the CSV
-- import's risk columns).
CREATE TABLE IF NOT EXISTS risk_facts (
    partner_id        text PRIMARY KEY,
    insolvency        boolean,
    credit_rating     text,
    credit_limit      numeric,
    credit_used       numeric,
    on_time_delivery  numeric,
    defect_rate       numeric,
    complaints        integer,
    negative_reviews  integer,
    violations        integer,
    open_disputes     integer,
    contract_breaches integer,
    court_cases       integer
);

-- One row per review: the whole portfolio as the crate serialises it
-- (Portfolio::to_json), which the next review reads back as its previous
-- one (tier hysteresis, migrations).
CREATE TABLE IF NOT EXISTS reviews (
    review_date date PRIMARY KEY,
    portfolio   jsonb NOT NULL,
    partners    integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per partner and review: the assess example's --out columns.
CREATE TABLE IF NOT EXISTS assessments (
    review_date      date NOT NULL REFERENCES reviews (review_date) ON DELETE CASCADE,
    partner_id       text NOT NULL,
    segment          char(1) NOT NULL,
    tier             text NOT NULL,
    monthly_turnover numeric NOT NULL,
    priority_rank    integer NOT NULL,
    priority_score   numeric NOT NULL,
    risk_level       text NOT NULL,
    potential        text NOT NULL,
    strategy_goal    text NOT NULL,
    PRIMARY KEY (review_date, partner_id)
);
