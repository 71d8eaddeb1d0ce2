-- 003_engine: what the posting engine needs.
--  * links keyed by either side: a record born in Procore (a commitment, a direct cost) has no
--    Oracle key until it is posted, so both keys are optional (one of them is always there)
--    and each is unique per kind when present. `drift` holds what a hand edit on the target
--    changed, until the next pass restores it.
--  * the retry queue generalises due_dates: records to re-read by id on a later pass, because
--    their write failed, their answer was lost, they drifted, or their mapping changes on a
--    known day. The watermark moves past such a record; the queue keeps it due.
--  * postings: the error class of a failure, the records a posting carries, and the states
--    held and superseded (status is free text; the values are in store/postings.hpp).
--  * runs: whether the pass was interrupted (killed before it could record its end).

CREATE TABLE links_v3 (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,             -- 'vendor', 'cost_code', 'commitment', …
    oracle_key  TEXT,                      -- NULL until known (records born in Procore)
    procore_key TEXT,                      -- NULL until known (records born in Oracle)
    fingerprint TEXT NOT NULL DEFAULT '',  -- content hash of the last version applied
    origin      TEXT NOT NULL DEFAULT 'oracle', -- the system the record was born in
    drift       TEXT,                      -- a hand edit on the target not yet restored
    updated_at  TEXT NOT NULL,
    CHECK (oracle_key IS NOT NULL OR procore_key IS NOT NULL)
);
INSERT INTO links_v3(kind, oracle_key, procore_key, fingerprint, origin, updated_at)
    SELECT kind, oracle_key, procore_key, fingerprint, origin, updated_at FROM links;
DROP TABLE links;
ALTER TABLE links_v3 RENAME TO links;
CREATE UNIQUE INDEX links_oracle ON links(kind, oracle_key) WHERE oracle_key IS NOT NULL;
CREATE UNIQUE INDEX links_procore ON links(kind, procore_key) WHERE procore_key IS NOT NULL;

CREATE TABLE retries (
    stream      TEXT NOT NULL,             -- the watermark stream the record belongs to
    record_key  TEXT NOT NULL,             -- the source record's id (SupplierId, …)
    reason      TEXT NOT NULL,             -- failed, lost, drift, InactiveDate
    due_at      TEXT NOT NULL,             -- ISO-8601 UTC: re-read on the first pass at or after
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (stream, record_key, reason)
);
CREATE INDEX retries_due ON retries(stream, due_at);
INSERT INTO retries(stream, record_key, reason, due_at, updated_at)
    SELECT 'oracle.suppliers', oracle_key, CASE reason WHEN '' THEN 'due' ELSE reason END,
           due_on || 'T00:00:00Z', updated_at
    FROM due_dates WHERE kind = 'vendor';
DROP TABLE due_dates;

ALTER TABLE postings ADD COLUMN error_class TEXT; -- retryable, data, config, shape (failed only)
ALTER TABLE postings ADD COLUMN records TEXT NOT NULL DEFAULT ''; -- source record keys, one per line
CREATE INDEX postings_kind ON postings(kind, status);

ALTER TABLE runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
