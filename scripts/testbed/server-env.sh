#!/usr/bin/env bash
# Prints the .env an operator puts on a test-bed server once: the reference stack's variables with fresh
# random secrets. Usage: server-env.sh <app-env-name> <http-port>
set -euo pipefail
name=$1 http_port=$2
random_secret() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
password=$(random_secret 24)
secret=$(random_secret 48)
cat <<ENV
APP_ENV=$name
POSTGRES_USER=shop
POSTGRES_PASSWORD=$password
POSTGRES_DB=shop
DATABASE_URL=postgresql://shop:$password@db:5432/shop
SECRET_KEY=$secret
API_BASE_URL=http://localhost:$http_port
VITE_API_BASE_URL=
HTTP_PORT=$http_port
ENV
