#!/bin/sh
# Starts mariadbd in the foreground. PROXY_PROTOCOL_NETWORKS (e.g. the vpc subnet)
# is the only network whose PROXY headers the server will accept; empty means none.
set -eu
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld
# --skip-name-resolve: PROCESSLIST.HOST must be an address, not a DNS name.
# --bind-address=*: IPv4 and IPv6 clients alike.
exec mariadbd --user=mysql --bind-address='*' --skip-name-resolve \
  --init-file=/etc/mysql/proxyproof-init.sql \
  --proxy-protocol-networks="${PROXY_PROTOCOL_NETWORKS:-}" "$@"
