-- PostgreSQL gets per-table autovacuum settings in this version; H2 keeps its statistics up to date itself.
SELECT 1;
