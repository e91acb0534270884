-- Your application's account; it needs no grants to read its own PROCESSLIST row.
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app-secret';
