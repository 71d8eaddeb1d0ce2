-- 004_link_summary: a link keeps a short human summary of the version last applied (a
-- commitment's vendor, total and lines), so a change made after the record was posted can be
-- reported as what differs ("total 1200.00 -> 1350.00; line 3 added"), not only as a new
-- fingerprint.
-- `remote_updated_at` is the target record's own update stamp as we last wrote or read it
-- (Procore's updated_at after a write-back): a sweep that lists the record with that same stamp
-- knows it has not changed, on the target's clock, and does not read it again.
ALTER TABLE links ADD COLUMN summary TEXT;
ALTER TABLE links ADD COLUMN remote_updated_at TEXT;
