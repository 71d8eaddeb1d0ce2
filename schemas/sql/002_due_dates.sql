-- 002_due_dates: records whose mapped content changes on a known day with no change in the
-- source system, so no incremental read would see it (a supplier's InactiveDate that has not
-- come yet: its vendor must turn inactive on that day). A pass reads the rows that are due,
-- re-reads just those records, and clears or moves each row when it has planned the record.
CREATE TABLE due_dates (
    kind        TEXT NOT NULL,             -- 'vendor', …
    oracle_key  TEXT NOT NULL,             -- e.g. the SupplierId
    due_on      TEXT NOT NULL,             -- YYYY-MM-DD: the first day the mapping differs
    reason      TEXT NOT NULL DEFAULT '',  -- e.g. 'InactiveDate'
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (kind, oracle_key)
);
CREATE INDEX due_dates_due ON due_dates(kind, due_on);
