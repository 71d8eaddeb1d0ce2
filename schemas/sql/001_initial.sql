-- 001_initial: the state model of DESIGN.md. Released migrations are never edited; a change
-- is a new NNN_name.sql file. Times are ISO-8601 UTC text; ids from either system are kept
-- as TEXT (Oracle ids exceed 2^53 in places, Procore v4 ids are strings) unless noted.

-- Per stream (e.g. 'oracle.suppliers'), the compound cursor of the last record fully applied.
CREATE TABLE watermarks (
    stream      TEXT PRIMARY KEY,
    cursor_time TEXT NOT NULL,             -- LastUpdateDate / updated_at of the last applied record
    cursor_key  TEXT NOT NULL DEFAULT '',  -- its id, the tie-breaker for equal timestamps
    updated_at  TEXT NOT NULL
);

-- The id map between the systems, with the fingerprint of what we last wrote or read.
CREATE TABLE links (
    kind        TEXT NOT NULL,             -- 'vendor', 'cost_code', 'purchase_order', …
    oracle_key  TEXT NOT NULL,
    procore_key TEXT,                      -- NULL until the remote id is known
    fingerprint TEXT NOT NULL DEFAULT '',  -- content hash of the last version applied
    origin      TEXT NOT NULL DEFAULT 'oracle', -- which system the record came from (echo suppression)
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (kind, oracle_key)
);
CREATE UNIQUE INDEX links_procore ON links(kind, procore_key) WHERE procore_key IS NOT NULL;

-- Webhook events taken from the spool, unique on the delivery's event id.
CREATE TABLE inbox (
    id            INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL UNIQUE,    -- ulid, else id, kept exactly as text
    resource_name TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    project_id    TEXT,
    company_id    TEXT,
    received_at   TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'new', -- new, done, echo, failed, ignored
    processed_at  TEXT,
    message       TEXT
);
CREATE INDEX inbox_status ON inbox(status, resource_name);

-- Every remote write, recorded before it is sent under a unique source key.
CREATE TABLE postings (
    id          INTEGER PRIMARY KEY,
    source_key  TEXT NOT NULL UNIQUE,      -- e.g. 'direct_cost:123:v4', 'vendor_batch:…'
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,             -- 'oracle' or 'procore'
    status      TEXT NOT NULL,             -- pending, sent, confirmed, failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    remote_id   TEXT,
    request     TEXT,                      -- what was (or will be) sent, no secrets
    last_error  TEXT,
    run_id      INTEGER REFERENCES runs(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX postings_status ON postings(status, kind);

-- One row per pass.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    exit_code   INTEGER,
    counts      TEXT,                      -- JSON summary (records, actions, API calls)
    pid         INTEGER NOT NULL
);

-- Append-only, hash-chained audit trail: hash = sha256(prev_hash || canonical row text).
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    run_id      INTEGER,
    command     TEXT NOT NULL,
    record_kind TEXT NOT NULL,             -- supplier, vendor, cost_code, direct_cost, webhook, …
    oracle_key  TEXT,
    procore_key TEXT,
    action      TEXT NOT NULL,             -- read, created, updated, linked, skipped, failed, replayed, posted, ambiguous, rejected
    before_fp   TEXT,
    after_fp    TEXT,
    remote_status INTEGER,
    remote_id   TEXT,
    message     TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_record ON audit(record_kind, oracle_key);
CREATE INDEX audit_run ON audit(run_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
