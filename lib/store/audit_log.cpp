#include "store/audit_log.hpp"

#include "auth/sha256.hpp"
#include "core/log.hpp"
#include "store/columns.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

namespace mlc::store {
namespace {

constexpr const char* k_audit_columns =
    "id, at, run_id, command, record_kind, oracle_key, procore_key, action, before_fp, after_fp, "
    "remote_status, remote_id, message, prev_hash, hash";

constexpr const char* k_head_sql = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1";
constexpr const char* k_insert_sql =
    "INSERT INTO audit (at, run_id, command, record_kind, oracle_key, procore_key, action, "
    "before_fp, after_fp, remote_status, remote_id, message, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

void put(std::string& out, const char* name, const std::optional<std::string>& value)
{
    out += name;
    out += '=';
    if (value) {
        out += std::to_string(value->size());
        out += ':';
        out += *value;
    } else {
        out += '~';
    }
    out += '\n';
}

void put(std::string& out, const char* name, const std::string& value)
{
    put(out, name, std::optional<std::string>(value));
}

template <typename Int>
void put(std::string& out, const char* name, const std::optional<Int>& value)
{
    put(out, name, value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt);
}

AuditEntry read_audit_entry(SQLite::Statement& st)
{
    AuditEntry e;
    e.id = st.getColumn(0).getInt64();
    e.at = st.getColumn(1).getString();
    if (!st.getColumn(2).isNull()) {
        e.run_id = st.getColumn(2).getInt64();
    }
    e.command = st.getColumn(3).getString();
    e.record_kind = st.getColumn(4).getString();
    e.oracle_key = optional_text(st.getColumn(5));
    e.procore_key = optional_text(st.getColumn(6));
    e.action = st.getColumn(7).getString();
    e.before_fp = optional_text(st.getColumn(8));
    e.after_fp = optional_text(st.getColumn(9));
    if (!st.getColumn(10).isNull()) {
        e.remote_status = st.getColumn(10).getInt();
    }
    e.remote_id = optional_text(st.getColumn(11));
    e.message = optional_text(st.getColumn(12));
    e.prev_hash = st.getColumn(13).getString();
    e.hash = st.getColumn(14).getString();
    return e;
}

} // namespace

std::string canonical_audit_text(const AuditEntry& e)
{
    std::string out;
    out.reserve(256 + (e.message ? e.message->size() : 0));
    put(out, "at", e.at);
    put(out, "run_id", e.run_id);
    put(out, "command", e.command);
    put(out, "record_kind", e.record_kind);
    put(out, "oracle_key", e.oracle_key);
    put(out, "procore_key", e.procore_key);
    put(out, "action", e.action);
    put(out, "before_fp", e.before_fp);
    put(out, "after_fp", e.after_fp);
    put(out, "remote_status", e.remote_status);
    put(out, "remote_id", e.remote_id);
    put(out, "message", e.message);
    return out;
}

std::string audit_row_hash(const AuditEntry& e)
{
    Sha256 h;
    h.update(e.prev_hash);
    h.update(canonical_audit_text(e));
    return to_hex(h.finish());
}

// The statements come from the Database's cache, so they outlive this object and are shared
// by every AuditLog on the same Database.
struct AuditLog::Impl {
    Impl(Database& database, const Clock& c) : db(database), clock(c) {}

    Database& db;
    const Clock& clock;
};

AuditLog::AuditLog(Database& db) : AuditLog(db, db.clock()) {}

AuditLog::AuditLog(Database& db, const Clock& clock) : impl_(std::make_unique<Impl>(db, clock)) {}

AuditLog::~AuditLog() = default;

std::int64_t AuditLog::append(AuditEntry e)
{
    if (e.at.empty()) {
        e.at = format_iso8601(impl_->clock.now());
    }
    if (e.message) {
        e.message = log::redact(*e.message);
    }

    try {
        Transaction tx(impl_->db);
        const std::int64_t id = insert_row(e);
        tx.commit();
        return id;
    } catch (const SQLite::Exception&) {
        rethrow_as_store_error(impl_->db, "appending to the audit trail");
    }
}

std::string AuditLog::head_hash()
{
    auto head = impl_->db.prepared(k_head_sql);
    return head->executeStep() ? head->getColumn(0).getString() : k_audit_genesis_hash;
}

void AuditLog::append_many(std::vector<AuditEntry> entries)
{
    if (entries.empty()) {
        return;
    }
    try {
        Transaction tx(impl_->db);
        std::string prev = head_hash();
        for (auto& e : entries) {
            if (e.at.empty()) {
                e.at = format_iso8601(impl_->clock.now());
            }
            if (e.message) {
                e.message = log::redact(*e.message);
            }
            e.prev_hash = std::move(prev);
            write_row(e);
            prev = e.hash;
        }
        tx.commit();
    } catch (const SQLite::Exception&) {
        rethrow_as_store_error(impl_->db, "appending to the audit trail");
    }
}

std::int64_t AuditLog::insert_row(AuditEntry& e)
{
    e.prev_hash = head_hash();
    return write_row(e);
}

std::int64_t AuditLog::write_row(AuditEntry& e)
{
    e.hash = audit_row_hash(e);

    auto prepared = impl_->db.prepared(k_insert_sql);
    auto& st = *prepared;
    st.bind(1, e.at);
    if (e.run_id) {
        st.bind(2, *e.run_id);
    }
    st.bind(3, e.command);
    st.bind(4, e.record_kind);
    bind_optional(st, 5, e.oracle_key);
    bind_optional(st, 6, e.procore_key);
    st.bind(7, e.action);
    bind_optional(st, 8, e.before_fp);
    bind_optional(st, 9, e.after_fp);
    if (e.remote_status) {
        st.bind(10, *e.remote_status);
    }
    bind_optional(st, 11, e.remote_id);
    bind_optional(st, 12, e.message);
    st.bind(13, e.prev_hash);
    st.bind(14, e.hash);
    st.exec();
    return impl_->db.handle().getLastInsertRowid();
}

std::vector<AuditEntry> AuditLog::query(const Filter& f)
{
    std::vector<std::string> where;
    std::vector<std::string> params;
    if (f.record_kind || !f.also_kinds.empty()) {
        std::vector<std::string> kinds = f.also_kinds;
        if (f.record_kind) {
            kinds.insert(kinds.begin(), *f.record_kind);
        }
        std::string in = "record_kind IN (";
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            in += i == 0 ? "?" : ", ?";
            params.push_back(kinds[i]);
        }
        where.push_back(in + ")");
    }
    if (f.key) {
        switch (f.key_side) {
        case Filter::KeySide::oracle:
            where.emplace_back("oracle_key = ?");
            params.push_back(*f.key);
            break;
        case Filter::KeySide::procore:
            where.emplace_back("procore_key = ?");
            params.push_back(*f.key);
            break;
        case Filter::KeySide::either:
            where.emplace_back("(oracle_key = ? OR procore_key = ?)");
            params.push_back(*f.key);
            params.push_back(*f.key);
            break;
        }
    }
    if (f.action) {
        where.emplace_back("action = ?");
        params.push_back(*f.action);
    }
    if (f.since) {
        where.emplace_back("at >= ?");
        params.push_back(*f.since);
    }
    if (f.until) {
        where.emplace_back("at <= ?");
        params.push_back(*f.until);
    }
    std::string inner = fmt::format("SELECT {} FROM audit", k_audit_columns);
    for (std::size_t i = 0; i < where.size(); ++i) {
        inner += i == 0 ? " WHERE " : " AND ";
        inner += where[i];
    }
    if (f.run_id) {
        inner += where.empty() ? " WHERE run_id = ?" : " AND run_id = ?";
    }
    // The newest `limit` rows, returned oldest first.
    inner += " ORDER BY id DESC LIMIT ?";
    const std::string sql = fmt::format("SELECT * FROM ({}) ORDER BY id", inner);

    try {
        return run_query(sql, params, f);
    } catch (const SQLite::Exception&) {
        rethrow_as_store_error(impl_->db, "reading the audit trail");
    }
}

std::vector<AuditEntry> AuditLog::run_query(const std::string& sql,
                                            const std::vector<std::string>& params, const Filter& f)
{
    // One text per combination of filters: a few dozen at most, so caching each is fine.
    auto prepared = impl_->db.prepared(sql);
    auto& st = *prepared;
    int index = 1;
    for (const auto& p : params) {
        st.bind(index++, p);
    }
    if (f.run_id) {
        st.bind(index++, *f.run_id);
    }
    st.bind(index, f.limit > 0 ? f.limit : -1);

    std::vector<AuditEntry> rows;
    while (st.executeStep()) {
        rows.push_back(read_audit_entry(st));
    }
    return rows;
}

AuditLog::Verification AuditLog::verify()
{
    try {
        return verify_chain();
    } catch (const SQLite::Exception&) {
        rethrow_as_store_error(impl_->db, "verifying the audit trail");
    }
}

AuditLog::Verification AuditLog::verify_chain()
{
    Verification v;
    static const std::string sql = fmt::format("SELECT {} FROM audit ORDER BY id", k_audit_columns);
    auto prepared = impl_->db.prepared(sql);
    auto& st = *prepared;
    std::string expected_prev = k_audit_genesis_hash;
    std::optional<std::int64_t> prev_id;
    while (st.executeStep()) {
        const AuditEntry e = read_audit_entry(st);
        ++v.rows_checked;
        if (e.prev_hash != expected_prev) {
            v.ok = false;
            v.first_bad_id = e.id;
            v.reason =
                prev_id ? fmt::format(
                    "prev_hash does not match the hash of row {} (rows removed or reordered "
                    "before it)",
                    *prev_id)
                        : std::string(
                            "prev_hash of the first row is not the genesis value (rows removed "
                            "before it)");
            return v;
        }
        if (audit_row_hash(e) != e.hash) {
            v.ok = false;
            v.first_bad_id = e.id;
            v.reason = "hash does not match the row's content (the row was changed)";
            return v;
        }
        expected_prev = e.hash;
        prev_id = e.id;
    }
    return v;
}

std::vector<std::string> AuditLog::actions()
{
    try {
        std::vector<std::string> out;
        auto st = impl_->db.prepared("SELECT DISTINCT action FROM audit ORDER BY action");
        while (st->executeStep()) {
            out.push_back(st->getColumn(0).getString());
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(impl_->db, "reading audit actions");
    }
}

} // namespace mlc::store
