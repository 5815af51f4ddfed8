#!/bin/sh
# Write the basic-auth file from MLFLOW_USERNAME/MLFLOW_PASSWORD (SHA-512 crypt), render the MLflow
# site from its template, then exec the command (nginx). The password only ever travels through
# stdin: never argv (visible in ps), never the terminal or the log.
set -eu

: "${HTPASSWD_FILE:=/etc/nginx/auth/htpasswd}"
: "${NGINX_TEMPLATE:=/etc/nginx/mlflow/mlflow.conf.template}"
: "${NGINX_SITE_CONF:=/etc/nginx/conf.d/mlflow.conf}"
: "${NGINX_LISTEN:=80}"
: "${MLFLOW_UPSTREAM:=127.0.0.1:5000}"
# The group nginx's workers run as, so they can read a file nobody else can.
: "${HTPASSWD_GROUP:=nginx}"

fail() {
    echo "entrypoint: $*" >&2
    exit 1
}

# Any printable character is fine; a newline or other control character cannot survive basic auth.
# Messages name the variable, never its value.
printable() {
    case "$2" in
        *[[:cntrl:]]*) fail "$1 contains a control character" ;;
    esac
}

[ -n "${MLFLOW_USERNAME:-}" ] || fail "MLFLOW_USERNAME is missing or empty"
[ -n "${MLFLOW_PASSWORD:-}" ] || fail "MLFLOW_PASSWORD is missing or empty"
printable MLFLOW_USERNAME "$MLFLOW_USERNAME"
printable MLFLOW_PASSWORD "$MLFLOW_PASSWORD"
# openssl passwd silently truncates longer input, and nginx would then never match the hash.
[ "${#MLFLOW_PASSWORD}" -le 256 ] || fail "MLFLOW_PASSWORD is longer than 256 characters"
case "$MLFLOW_USERNAME" in
    *:*) fail "MLFLOW_USERNAME cannot contain ':' (basic auth separates user and password with it)" ;;
esac

# printf is a shell builtin: the password goes to openssl's stdin, not its arguments.
hash=$(printf '%s\n' "$MLFLOW_PASSWORD" | openssl passwd -6 -stdin) || fail "openssl passwd failed"
# shellcheck disable=SC2016 # the literal SHA-512 crypt prefix
case "$hash" in
    '$6$'*) ;;
    *) fail "openssl did not produce a SHA-512 crypt hash" ;;
esac

# Replace, never append: write a new file beside the old one and rename it over.
mkdir -p "$(dirname "$HTPASSWD_FILE")"
tmp=$(mktemp "$HTPASSWD_FILE.XXXXXX")
trap 'rm -f "$tmp"' EXIT
printf '%s:%s\n' "$MLFLOW_USERNAME" "$hash" > "$tmp"
chmod 0640 "$tmp"
if getent group "$HTPASSWD_GROUP" > /dev/null 2>&1; then
    chgrp "$HTPASSWD_GROUP" "$tmp"
fi
mv -f "$tmp" "$HTPASSWD_FILE"
trap - EXIT

# Only these two variables are substituted; nginx's own $variables pass through untouched.
mkdir -p "$(dirname "$NGINX_SITE_CONF")"
# shellcheck disable=SC2016 # envsubst takes the names to substitute literally
NGINX_LISTEN="$NGINX_LISTEN" MLFLOW_UPSTREAM="$MLFLOW_UPSTREAM" \
    envsubst '${NGINX_LISTEN} ${MLFLOW_UPSTREAM}' < "$NGINX_TEMPLATE" > "$NGINX_SITE_CONF"

# The secret is not nginx's business: drop it before handing over.
unset MLFLOW_PASSWORD
exec "$@"
