-- Monthly figures per partner and month from invoice lines (Spark SQL).
-- The table `invoices` has the columns of the crate's invoice CSV:
-- partner_id, date DATE, amount DECIMAL(18,2), invoice_id, margin
-- DECIMAL(18,2), due_date DATE, paid_date DATE. The result has the columns
-- of partner_priority::import (monthly figures): one row per partner,
-- month, due date and paid date.
WITH docs AS (
    -- Each document once, in the month of its earliest line: an invoice
    -- (lines adding up to more than zero) is a deal, a credit note adds to
    -- the credit notes. A line without an invoice id is a document of its own.
    SELECT partner_id, MIN(date) AS first_date, SUM(amount) AS total
    FROM invoices WHERE invoice_id IS NOT NULL
    GROUP BY partner_id, invoice_id
    UNION ALL
    SELECT partner_id, date, amount FROM invoices WHERE invoice_id IS NULL
),
documents AS (
    SELECT partner_id, date_format(first_date, 'yyyy-MM') AS month,
           COUNT_IF(total > 0) AS deals,
           COUNT_IF(total < 0) AS credit_note_count,
           COALESCE(SUM(CASE WHEN total < 0 THEN total END), 0) AS credit_notes
    FROM docs
    GROUP BY partner_id, date_format(first_date, 'yyyy-MM')
),
lines AS (
    SELECT partner_id, date_format(date, 'yyyy-MM') AS month,
           SUM(amount) AS turnover,
           SUM(margin) AS margin,
           COUNT(margin) = COUNT(*) AS margin_complete
    FROM invoices
    GROUP BY partner_id, date_format(date, 'yyyy-MM')
),
receivables AS (
    -- What the month's invoice lines made due, by due date and paid date.
    SELECT partner_id, date_format(date, 'yyyy-MM') AS month, due_date, paid_date,
           SUM(amount) AS receivable
    FROM invoices
    WHERE amount > 0 AND due_date IS NOT NULL
    GROUP BY partner_id, date_format(date, 'yyyy-MM'), due_date, paid_date
)
SELECT l.partner_id, l.month, l.turnover,
       COALESCE(d.credit_notes, 0) AS credit_notes,
       COALESCE(d.credit_note_count, 0) AS credit_note_count,
       COALESCE(d.deals, 0) AS deals,
       l.margin, l.margin_complete,
       r.due_date, r.paid_date, r.receivable
FROM lines l
LEFT JOIN documents d ON d.partner_id = l.partner_id AND d.month = l.month
LEFT JOIN receivables r ON r.partner_id = l.partner_id AND r.month = l.month
