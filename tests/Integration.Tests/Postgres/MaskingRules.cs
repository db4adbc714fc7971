namespace Sluice.IntegrationTests.Postgres;

/// <summary>The masking configuration the masking tests run with (the quick start's, plus scoped rules).</summary>
internal static class MaskingRules
{
    public const string Yaml = """
        masking:
          pseudonym_key: { value: "integration-tests-pseudonym-key-0123456789" }
          rules:
            - name: auditors-see-clear
              groups: [auditors]
              table: customers
              column: "*"
              strategy: clear
            - name: support-sees-last-four
              groups: [support]
              table: customers
              column: card_number
              strategy: { keep_last: 4 }
            - name: etl-pseudonyms
              groups: [etl]
              table: customers
              column: email
              strategy: pseudonym
            - name: email-domain
              table: customers
              column: email
              strategy: keep_email_domain
            - name: phone
              table: customers
              column: phone
              strategy: redact
            - name: ssn
              table: customers
              column: ssn
              strategy: redact
            - name: card-last-four
              table: customers
              column: card_number
              strategy: { keep_last: 4 }
            - name: names-pseudonymised
              table: customers
              column: full_name
              strategy: pseudonym
            - name: counting-is-fine
              derived: true
              column_name: count
              strategy: clear
            - name: cards-in-text
              detector: card_number
              strategy: { keep_last: 4 }
            - name: emails-in-text
              detector: email
              strategy: keep_email_domain
        """;

    /// <summary>Objects the bypass tests read through: a view, a SQL function, free text with secrets in it.</summary>
    public const string Fixtures = """
        CREATE OR REPLACE VIEW customer_contacts AS SELECT id, email, phone FROM customers;
        CREATE OR REPLACE VIEW customer_contacts_2 AS SELECT id, email AS contact FROM customer_contacts;
        CREATE OR REPLACE FUNCTION ssn_of(customer int) RETURNS text LANGUAGE sql STABLE
            AS $$ SELECT ssn FROM customers WHERE id = customer $$;
        CREATE TABLE IF NOT EXISTS tickets (id int PRIMARY KEY, body text);
        INSERT INTO tickets VALUES
            (1, 'Customer wrote from jane.doe@example.org about card 4111 1111 1111 1111, please call back'),
            (2, 'No personal data here')
            ON CONFLICT (id) DO NOTHING;
        """;
}
