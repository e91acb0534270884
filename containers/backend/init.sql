-- The probe logs in as an ordinary user: no grants are needed to read its own
-- PROCESSLIST row, and a root-only check would prove less.
CREATE USER IF NOT EXISTS 'proxyproof'@'%' IDENTIFIED BY 'proxyproof';
-- HAProxy's `option mysql-check` logs in without a password; this user can do
-- nothing else (no grants).
CREATE USER IF NOT EXISTS 'proxyproof_check'@'%';
