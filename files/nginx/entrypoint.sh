#!/bin/sh
# Render the MLflow site from its template, then exec the command (nginx). nginx holds no credentials:
# MLflow's auth app checks them.
set -eu

: "${NGINX_TEMPLATE:=/etc/nginx/mlflow/mlflow.conf.template}"
: "${NGINX_SITE_CONF:=/etc/nginx/conf.d/mlflow.conf}"
: "${NGINX_LISTEN:=80}"
: "${MLFLOW_UPSTREAM:=127.0.0.1:5000}"

# Only these two variables are substituted; nginx's own $variables pass through untouched.
mkdir -p "$(dirname "$NGINX_SITE_CONF")"
# shellcheck disable=SC2016 # envsubst takes the names to substitute literally
NGINX_LISTEN="$NGINX_LISTEN" MLFLOW_UPSTREAM="$MLFLOW_UPSTREAM" \
    envsubst '${NGINX_LISTEN} ${MLFLOW_UPSTREAM}' < "$NGINX_TEMPLATE" > "$NGINX_SITE_CONF"

exec "$@"
