#include "store/webhook_coverage.hpp"

#include "store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace mlc::store {

void WebhookCoverage::replace(const std::vector<WebhookCoverageRow>& rows)
{
    try {
        Transaction tx(db_);
        db_.prepared("DELETE FROM webhook_coverage")->exec();
        auto st = db_.prepared("INSERT INTO webhook_coverage(resource_name, event_type, pass, "
                               "subscribed, source, checked_at) VALUES (?, ?, ?, ?, ?, ?)");
        for (const auto& r : rows) {
            st->reset();
            st->clearBindings();
            st->bind(1, r.resource_name);
            st->bind(2, r.event_type);
            st->bind(3, r.pass);
            st->bind(4, r.subscribed ? 1 : 0);
            st->bind(5, r.source);
            st->bind(6, db_.now_text());
            st->exec();
        }
        tx.commit();
    } catch (...) {
        rethrow_as_store_error(db_, "recording webhook coverage");
    }
}

std::vector<WebhookCoverageRow> WebhookCoverage::list() const
{
    try {
        auto st = db_.prepared("SELECT resource_name, event_type, pass, subscribed, source, "
                               "checked_at FROM webhook_coverage ORDER BY resource_name, "
                               "CASE event_type WHEN 'create' THEN 0 WHEN 'update' THEN 1 "
                               "WHEN 'delete' THEN 2 ELSE 3 END, event_type");
        std::vector<WebhookCoverageRow> out;
        while (st->executeStep()) {
            out.push_back(WebhookCoverageRow{.resource_name = st->getColumn(0).getString(),
                                             .event_type = st->getColumn(1).getString(),
                                             .pass = st->getColumn(2).getString(),
                                             .subscribed = st->getColumn(3).getInt() != 0,
                                             .source = st->getColumn(4).getString(),
                                             .checked_at = st->getColumn(5).getString()});
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "reading webhook coverage");
    }
}

} // namespace mlc::store
