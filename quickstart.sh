#!/usr/bin/env bash
# Quick start: a throwaway PostgreSQL with a demo table, the native sluice binary in front of it on
# 127.0.0.1:6432, a freshly minted dev token, and a short scripted demo through the gateway.
#
#   ./quickstart.sh        build, start everything, run the demo, leave both running
#   ./quickstart.sh stop   stop both and remove .quickstart/
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
qs="$root/.quickstart"
gateway_port=6432
admin_port=${SLUICE_DEMO_ADMIN_PORT:-6480}
pg_port=${SLUICE_DEMO_PG_PORT:-55432}
binary="$root/publish/linux-x64/sluice"

# shellcheck source=scripts/lib-postgres.sh
source "$root/scripts/lib-postgres.sh"

stop_all() {
  if [[ -f "$qs/sluice.pid" ]]; then
    kill "$(cat "$qs/sluice.pid")" 2>/dev/null || true
    rm -f "$qs/sluice.pid"
  fi
  if [[ -d "$qs/pg" ]]; then
    pg_stop "$qs/pg" || true
  fi
}

if [[ "${1:-}" == "stop" ]]; then
  stop_all
  rm -rf "$qs"
  echo "quickstart stopped and removed"
  exit 0
fi

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installing what the demo needs (Debian packages)"
"$root/scripts/install-deps.sh"

step "Building the native binary (dotnet publish, native AOT)"
dotnet publish "$root/src/Sluice/Sluice.csproj" -c Release -r linux-x64 -o "$root/publish/linux-x64" -v quiet -nologo
ls -l "$binary"

stop_all
mkdir -p "$qs"
chmod 711 "$qs"   # the postgres user must reach its cluster below; secrets inside are 0600

step "Starting a throwaway PostgreSQL on 127.0.0.1:$pg_port with a demo database"
pg_start "$qs/pg" "$pg_port"
upstream_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
(umask 077 && printf '%s' "$upstream_password" > "$qs/upstream-password")
pg_psql "$qs/pg" "$pg_port" postgres 2>/dev/null \
  "DROP DATABASE IF EXISTS demo" \
  "DROP ROLE IF EXISTS sluice_upstream" \
  "SET password_encryption = 'scram-sha-256'; CREATE ROLE sluice_upstream LOGIN PASSWORD '$upstream_password'" \
  "CREATE DATABASE demo OWNER sluice_upstream" >/dev/null
pg_psql "$qs/pg" "$pg_port" demo < "$root/scripts/demo-data.sql" >/dev/null
pg_psql "$qs/pg" "$pg_port" demo \
  "ALTER TABLE customers OWNER TO sluice_upstream;" >/dev/null

cat > "$qs/sluice.yaml" <<YAML
# Written by quickstart.sh. The reference for every key is in README.md.
data_dir: ./data
listeners:
  - name: demo-pg
    protocol: postgres
    listen: 127.0.0.1:$gateway_port
    connections: [demo]
connections:
  - name: demo
    protocol: postgres
    upstream:
      host: 127.0.0.1
      port: $pg_port
      database: demo
      user: sluice_upstream
      password: { file: upstream-password }
identity:
  dev_issuer: true
access:
  - connections: [demo]
    groups: [demo]
audit:
  path: audit.jsonl
policy:
  rules:
    - name: no-ddl-or-privilege-changes
      identities: [demo-agent]
      deny: { classes: [ddl, privilege] }
    - name: no-unbounded-writes
      identities: [demo-agent]
      deny: { write_without_where: true }
    - name: big-exports-need-approval
      identities: [demo-agent]
      require_approval: { rows: 5000, mode: wait, timeout: 5m }
approvals:
  approver_groups: [approvers]
admin:
  listen: 127.0.0.1:$admin_port
masking:
  rules:
    - name: email-domain-only
      table: customers
      column: email
      strategy: keep_email_domain
    - name: phone-redacted
      table: customers
      column: phone
      strategy: redact
    - name: ssn-redacted
      table: customers
      column: ssn
      strategy: redact
    - name: card-last-four
      table: customers
      column: card_number
      strategy: { keep_last: 4 }
    - name: names-pseudonymised
      identities: [demo-agent]
      table: customers
      column: full_name
      strategy: pseudonym
    - name: counting-is-fine
      derived: true
      column_name: count
      strategy: clear
    - name: cards-in-free-text
      detector: card_number
      strategy: { keep_last: 4 }
YAML

step "Starting sluice on 127.0.0.1:$gateway_port"
"$binary" check --config "$qs/sluice.yaml"
nohup "$binary" run --config "$qs/sluice.yaml" >"$qs/sluice.log" 2>&1 &
echo $! > "$qs/sluice.pid"
for _ in $(seq 1 100); do
  if grep -q "listening on" "$qs/sluice.log"; then break; fi
  if ! kill -0 "$(cat "$qs/sluice.pid")" 2>/dev/null; then cat "$qs/sluice.log"; exit 1; fi
  sleep 0.05
done
cat "$qs/sluice.log"

step "Minting a dev token for identity demo-agent (group demo)"
token=$("$binary" token --config "$qs/sluice.yaml" --subject demo-agent --group demo --ttl 08:00:00)
echo "${token:0:40}…"
cat > "$qs/sluice.env" <<ENV
# source this file, then run psql: it connects through Sluice with a dev token as the password
export PGHOST=127.0.0.1
export PGPORT=$gateway_port
export PGUSER=demo-agent
export PGPASSWORD='$token'
export PGDATABASE=demo
export PGSSLMODE=require
# the database itself, bypassing the gateway, to compare what it holds
export SLUICE_DEMO_UPSTREAM='host=127.0.0.1 port=$pg_port dbname=demo user=sluice_upstream password=$upstream_password sslmode=disable'
ENV
chmod 600 "$qs/sluice.env"

step "Demo: psql through Sluice (the client holds a token, never the database password)"
(
  # shellcheck disable=SC1091
  source "$qs/sluice.env"
  set -x
  psql -X -c "SELECT current_user AS upstream_role, inet_server_port() AS server_port"
  psql -X -c "SELECT count(*) FROM customers"   # a derived value, allowed by the rule counting-is-fine
  PGPASSWORD=not-a-token psql -X -c "SELECT 1" || true
)

step "Demo: masking. The same rows, directly from the database and through Sluice"
demo_rows="SELECT id, full_name, email, phone, ssn, card_number FROM customers ORDER BY id LIMIT 5"
(
  # shellcheck disable=SC1091
  source "$qs/sluice.env"
  echo "-- directly (what the database holds):"
  psql -X "$SLUICE_DEMO_UPSTREAM" -c "$demo_rows"
  echo "-- through Sluice as demo-agent (what the caller receives, and what is recorded):"
  psql -X -c "$demo_rows"
  echo "-- an alias, a function and a cast do not unmask anything:"
  psql -X -c "SELECT id, ssn AS x, upper(email) AS shout, card_number::varchar AS c FROM customers ORDER BY id LIMIT 3"
)
sleep 0.3
masked=$(grep '"type":"session.end"' "$qs/data/audit.jsonl" | tail -n 2 \
  | sed -n 's/.*"masked_values":\([0-9]*\).*/\1/p' | awk '{ total += $1 } END { print total + 0 }')
echo "values masked in those two sessions through Sluice (audit log, session.end): $masked"

step "Demo: guardrails. Denied statements never reach the database; the session goes on"
(
  # shellcheck disable=SC1091
  source "$qs/sluice.env"
  set -x
  psql -X -c "DROP TABLE customers" || true
  psql -X -c "SELECT 1 AS harmless; /* sneaky */ dRoP/**/TABLE customers" || true
  psql -X -c "DELETE FROM customers" || true
  psql -X -c "FROBNICATE customers" || true
  psql -X -c "SELECT count(*) FROM customers"
)

step "Demo: approval. An export of more than 5,000 rows pauses until a human approves it"
approver_token=$("$binary" token --config "$qs/sluice.yaml" --subject demo-approver --group approvers --ttl 01:00:00)
(
  # shellcheck disable=SC1091
  source "$qs/sluice.env"
  psql -X -c "SELECT * FROM customers" > "$qs/export.txt" 2>&1
) &
export_pid=$!
request=""
for _ in $(seq 1 100); do
  request=$("$binary" approvals --config "$qs/sluice.yaml" --token "$approver_token" | awk '$1 ~ /^R-/ { print $1; exit }')
  [[ -n "$request" ]] && break
  sleep 0.1
done
echo "-- the export is held; what the approver sees (sluice approvals):"
"$binary" approvals --config "$qs/sluice.yaml" --token "$approver_token"
echo "-- the approver decides (sluice approve $request):"
"$binary" approve "$request" --config "$qs/sluice.yaml" --token "$approver_token" --reason "quarterly export"
wait "$export_pid"
echo "-- the export completes:"
tail -n 2 "$qs/export.txt"

step "What was recorded"
"$binary" sessions --config "$qs/sluice.yaml"
session=$("$binary" sessions --config "$qs/sluice.yaml" --identity demo-agent | awk 'NR==2 {print $1}')
"$binary" replay "$session" --config "$qs/sluice.yaml" --max-rows 5
"$binary" verify "$qs"/data/recordings/*.sluicerec | tail -n 3
echo
tail -n 3 "$qs/data/audit.jsonl"

cat <<DONE

Sluice is running on 127.0.0.1:$gateway_port (log: .quickstart/sluice.log), its admin API on 127.0.0.1:$admin_port;
PostgreSQL on 127.0.0.1:$pg_port.
Try:  source .quickstart/sluice.env && psql
      $binary sessions --config .quickstart/sluice.yaml
Stop: ./quickstart.sh stop
DONE
