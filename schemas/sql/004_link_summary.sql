-- 004_link_summary: a link keeps a short human summary of the version last applied (a
-- commitment's vendor, total and lines), so a change made after the record was posted can be
-- reported as what differs ("total 1200.00 -> 1350.00; line 3 added"), not only as a new
-- fingerprint.
ALTER TABLE links ADD COLUMN summary TEXT;
