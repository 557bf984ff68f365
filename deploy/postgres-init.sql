-- Initialises the `postgresql` service of docker-compose.yml (postgres:15).
--
-- Mounted as /docker-entrypoint-initdb.d/10-opsdesk.sql; the postgres image runs it once, as the
-- superuser, when the data volume is empty (to re-run it: `docker compose down -v`, which DELETES
-- all data). It creates two least-privileged login roles, each owning its databases:
--
--   opsdesk   -> database opsdesk                           (the API and the worker; DATABASE_URL)
--   temporal  -> databases temporal, temporal_visibility   (temporalio/auto-setup, SKIP_DB_CREATE=true)
--
-- Passwords are not stored here: psql's \getenv (PostgreSQL 15+) reads them from the container's
-- environment, which docker-compose.yml fills from the .env file (OPSDESK_DB_PASSWORD,
-- TEMPORAL_DB_PASSWORD). Owning a database makes the role owner of its `public` schema as well
-- (PostgreSQL 15: public is owned by pg_database_owner), so migrations need no further grants.

\set ON_ERROR_STOP on

\getenv opsdesk_password OPSDESK_DB_PASSWORD
\getenv temporal_password TEMPORAL_DB_PASSWORD

\if :{?opsdesk_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'OPSDESK_DB_PASSWORD is not set in the postgresql container environment'; END $$;
\endif
\if :{?temporal_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'TEMPORAL_DB_PASSWORD is not set in the postgresql container environment'; END $$;
\endif

-- The application -----------------------------------------------------------------------------
CREATE ROLE opsdesk LOGIN PASSWORD :'opsdesk_password';
CREATE DATABASE opsdesk OWNER opsdesk ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE opsdesk FROM PUBLIC;
GRANT ALL ON DATABASE opsdesk TO opsdesk;

-- Temporal (persistence + SQL visibility) -------------------------------------------------------
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE temporal_visibility OWNER temporal ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE temporal FROM PUBLIC;
REVOKE ALL ON DATABASE temporal_visibility FROM PUBLIC;
GRANT ALL ON DATABASE temporal TO temporal;
GRANT ALL ON DATABASE temporal_visibility TO temporal;

\unset opsdesk_password
\unset temporal_password
