-- 005_webhook_coverage: what the last `webhooks install` subscribed to, per Procore resource and
-- event type a pass would like to hear about, and what Procore does not offer (no such webhook
-- resource, or an event type it excludes). `status` shows the gaps: a pass whose resource has
-- no webhook sees those changes only through its sweep. `source` says where the offer was
-- learnt: 'procore' (GET /rest/v1.0/webhooks/resources) or 'documented' (that listing failed;
-- the public record in the reference was used instead).
CREATE TABLE webhook_coverage (
    resource_name TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    pass          TEXT NOT NULL,
    subscribed    INTEGER NOT NULL,
    source        TEXT NOT NULL,
    checked_at    TEXT NOT NULL,
    PRIMARY KEY (resource_name, event_type)
);
