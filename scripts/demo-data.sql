-- Demo customers for the quick start and the integration tests: 10,000 rows of realistic-looking but fake
-- personal data (names, emails, phones, SSN-shaped values, Luhn-valid card numbers) to mask and record.
--
-- Deterministic: every value derives from the row id through md5, so each run and each
-- PostgreSQL version produces the same table. Idempotent: the table is dropped and rebuilt.
-- Run with: psql -v ON_ERROR_STOP=1 -d demo -f scripts/demo-data.sql

DROP TABLE IF EXISTS customers;

CREATE TABLE customers (
    id          int PRIMARY KEY,
    full_name   text,
    email       text,
    phone       text,
    ssn         text,
    card_number text,
    notes       text
);

INSERT INTO customers (id, full_name, email, phone, ssn, card_number, notes)
WITH pools AS (
    SELECT
        ARRAY['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David',
              'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah',
              'Carlos', 'Aisha', 'Wei', 'Priya', 'Olga', 'Kenji'] AS firsts,
        ARRAY['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
              'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson',
              'Nguyen', 'Okafor', 'Chen', 'Patel', 'Ivanova', 'Tanaka'] AS lasts,
        ARRAY['4', '51', '52', '53', '54', '55'] AS card_prefixes,
        ARRAY['Prefers email contact.', 'Called about a billing question.', 'VIP since 2019.',
              'Requested a paper statement.', 'Address updated last month.', 'Disputed one charge, resolved.',
              'Do not call before 9am.', 'Opted out of marketing.', 'Card replaced after travel.',
              'Asked to close a duplicate account.'] AS note_texts
),
mixed AS (
    -- md5 of a salted id gives well-spread, version-independent bits; each 32-bit word feeds one column.
    SELECT
        g AS id,
        ('x' || substr(d.row_hash, 1, 8))::bit(32)::bigint AS h1,
        ('x' || substr(d.row_hash, 9, 8))::bit(32)::bigint AS h2,
        ('x' || substr(d.row_hash, 17, 8))::bit(32)::bigint AS h3,
        ('x' || substr(d.row_hash, 25, 8))::bit(32)::bigint AS h4,
        ('x' || substr(d.card_hash, 1, 15))::bit(60)::bigint AS h5
    FROM generate_series(1, 10000) AS g
    CROSS JOIN LATERAL (
        SELECT md5('sluice-demo-' || g) AS row_hash, md5('sluice-card-' || g) AS card_hash
    ) AS d
),
people AS (
    SELECT
        m.id, m.h1 / 100 AS h1, m.h2 / 100 AS h2, m.h3 / 100 AS h3, m.h4 / 100 AS h4, m.h5,
        p.firsts[1 + m.h1 % array_length(p.firsts, 1)] AS first_name,
        p.lasts[1 + m.h2 % array_length(p.lasts, 1)] AS last_name,
        p.card_prefixes[1 + m.h3 % array_length(p.card_prefixes, 1)] AS card_prefix,
        p.note_texts[1 + m.h4 % array_length(p.note_texts, 1)] AS note
    FROM mixed AS m CROSS JOIN pools AS p
),
cards AS (
    -- 15 payload digits: an issuer prefix (Visa 4, Mastercard 51-55) followed by hashed digits.
    SELECT id, left(card_prefix || lpad((h5 % 100000000000000)::text, 14, '0'), 15) AS payload
    FROM people
),
luhn AS (
    -- Luhn: walking left from the check digit, every second digit is doubled (minus 9 when over 9). In the
    -- 15-digit payload those are positions 15, 13, ..., 1, i.e. the odd positions.
    SELECT
        c.id,
        c.payload || ((10 - sum(
            CASE WHEN pos % 2 = 1
                 THEN (substr(c.payload, pos, 1)::int * 2) - CASE WHEN substr(c.payload, pos, 1)::int >= 5
                                                                  THEN 9 ELSE 0 END
                 ELSE substr(c.payload, pos, 1)::int
            END) % 10) % 10)::text AS card_number
    FROM cards AS c CROSS JOIN generate_series(1, 15) AS pos
    GROUP BY c.id, c.payload
)
SELECT
    p.id,
    p.first_name || ' ' || p.last_name,
    -- The second John Smith becomes john.smith1@, the third john.smith2@, and so on: emails stay unique.
    lower(p.first_name) || '.' || lower(p.last_name)
        || coalesce(nullif(row_number() OVER (PARTITION BY p.first_name, p.last_name ORDER BY p.id) - 1, 0)::text, '')
        || '@example.com',
    '+1-555-01' || lpad((p.h1 % 100)::text, 2, '0') || '-' || lpad((p.h2 % 10000)::text, 4, '0'),
    -- Area 001-899 without 666, group 01-99, serial 0001-9999: shaped like a real SSN, issued to nobody.
    lpad((CASE WHEN 1 + p.h3 % 899 = 666 THEN 667 ELSE 1 + p.h3 % 899 END)::text, 3, '0') || '-'
        || lpad((1 + p.h4 % 99)::text, 2, '0') || '-'
        || lpad((1 + (p.h1 / 100) % 9999)::text, 4, '0'),
    l.card_number,
    CASE WHEN (p.h4 / 100) % 5 = 0 THEN NULL ELSE p.note END
FROM people AS p JOIN luhn AS l USING (id)
ORDER BY p.id;

ANALYZE customers;
