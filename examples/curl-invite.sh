#!/usr/bin/env bash
# Signs and sends HiAR requests with nothing but curl and openssl: creates a collaboration (unless
# COLLABORATION_ID and SESSION_ID are given), then invites two members into its session.
#
#   BASE_URL=http://localhost:3000 APP_ID=… APP_SECRET=… bash examples/curl-invite.sh
#
# Optional: INVITER (default alice), MEMBERS (default "bob carol"), COLLABORATION_ID, SESSION_ID.
set -euo pipefail

: "${BASE_URL:=http://localhost:3000}"
: "${APP_ID:?set APP_ID (pnpm app:create --name Demo prints it)}"
: "${APP_SECRET:?set APP_SECRET}"
: "${INVITER:=alice}"
: "${MEMBERS:=bob carol}"

# POST a JSON body to a path, signed as HiAR's access guide says:
#   signature = base64(HMAC-SHA256(secret, "post\n<path>\n<query>\n<APPID>\n<date>\n<nonce>\n"))
# (method in lower case, query empty here, base64 of the raw digest). Prints the answer.
hiar_post() {
  local path="$1" body="$2" date nonce signature
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nonce="$(openssl rand -hex 16 | sed -E 's/(.{8})(.{4})(.{4})(.{4})(.{12})/\1-\2-\3-\4-\5/')"
  signature="$(printf 'post\n%s\n\n%s\n%s\n%s\n' "$path" "$APP_ID" "$date" "$nonce" |
    openssl dgst -sha256 -hmac "$APP_SECRET" -binary | openssl base64 -A)"
  curl --silent --show-error --request POST "${BASE_URL%/}$path" \
    --header 'Content-Type: application/json' \
    --header "trace: curl$(openssl rand -hex 4)" \
    --header "X-HIAR-OPENAPI-APPID: $APP_ID" \
    --header "X-HIAR-OPENAPI-NONCE: $nonce" \
    --header "X-HIAR-OPENAPI-DATE: $date" \
    --header "X-HIAR-OPENAPI-SIGNATURE: $signature" \
    --data "$body"
}

# The value of a string field in a flat JSON answer (enough for the IDs; no jq needed).
json_field() {
  sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p"
}

if [[ -z "${COLLABORATION_ID:-}" || -z "${SESSION_ID:-}" ]]; then
  created="$(hiar_post /create "{\"userID\":\"$INVITER\",\"detail\":\"curl example\"}")"
  echo "POST /create → $created"
  COLLABORATION_ID="$(json_field collaborationID <<<"$created")"
  SESSION_ID="$(json_field sessionID <<<"$created")"
  [[ -n "$COLLABORATION_ID" && -n "$SESSION_ID" ]] || exit 1
fi

members=""
for member in $MEMBERS; do
  members+="${members:+,}{\"userID\":\"$member\",\"memberSessionState\":\"MEMBER_CALLING\"}"
done
invited="$(hiar_post /session/invite "{\"collaborationID\":\"$COLLABORATION_ID\",\"sessionID\":\"$SESSION_ID\",\"userID\":\"$INVITER\",\"members\":[$members]}")"
echo "POST /session/invite → $invited"
# Success is code 0 in the envelope.
[[ "$invited" == '{"code":0,'* ]]
