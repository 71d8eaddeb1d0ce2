#include "oracle/fbdi/journal_import.hpp"

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"

#include <zip.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <utility>

namespace mlc::oracle::fbdi {

namespace {

constexpr const char* k_entry_name = "GlInterface.csv";
constexpr const char* k_job_name =
    "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher";

std::string zip_error_text(zip_error_t* error)
{
    const char* text = zip_error_strerror(error);
    return text != nullptr ? text : "unknown libzip error";
}

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;

http::Error error_of(int status, std::string message, std::string body = {})
{
    return http::Error{.kind = http::ErrorKind::status,
                       .status = status,
                       .message = std::move(message),
                       .body = std::move(body),
                       .attempts = 1,
                       .transport = http::TransportErrorKind::other};
}

// The first item of a finder's collection answer, or nullptr when it has none.
const json::Value* first_item(const json::Document& doc)
{
    const auto* items = json::find(doc, "items");
    if (items == nullptr || !items->IsArray() || items->Empty()) {
        return nullptr;
    }
    const auto& item = (*items)[0];
    return item.IsObject() ? &item : nullptr;
}

std::string parse_error_text(const json::ParseError& e)
{
    return "malformed JSON at line " + std::to_string(e.line) + ": " + e.message;
}

// The text of every file in a zip held in memory; nullopt when it is not a readable zip.
std::optional<std::vector<std::string>> unzip_all(const std::string& bytes)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
        zip_error_fini(&error);
        return std::nullopt;
    }
    ZipHandle archive(zip_open_from_source(source, ZIP_RDONLY, &error));
    zip_error_fini(&error);
    if (!archive) {
        zip_source_free(source);
        return std::nullopt;
    }
    std::vector<std::string> files;
    const zip_int64_t n = zip_get_num_entries(archive.get(), 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_file_t* file = zip_fopen_index(archive.get(), index, 0);
        if (file == nullptr) {
            continue; // a directory entry or an unsupported method: the others may still say
        }
        std::string text;
        char buffer[8192];
        zip_int64_t got = 0;
        while ((got = zip_fread(file, buffer, sizeof buffer)) > 0) {
            text.append(buffer, static_cast<std::size_t>(got));
        }
        zip_fclose(file);
        files.push_back(std::move(text));
    }
    return files;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

// One log line of the form the simulator writes:
//   Rejected row <n>: status <CODE>; batch <REFERENCE1>; journal <REFERENCE4>; <description>
// THE REAL LOG FORMAT IS UNCONFIRMED: Oracle's Journal Import execution report is not documented
// in the reference, so this is the simulator's form, and any other line is passed over silently
// (the caller then knows only that the job reported rejections, not which rows).
std::optional<RejectedLine> rejected_line_of(std::string_view line)
{
    line = trim(line);
    constexpr std::string_view k_head = "Rejected row ";
    constexpr std::string_view k_status = ": status ";
    constexpr std::string_view k_batch = "; batch ";
    constexpr std::string_view k_journal = "; journal ";
    constexpr std::string_view k_reason = "; ";
    if (!line.starts_with(k_head)) {
        return std::nullopt;
    }
    line.remove_prefix(k_head.size());
    const auto status_at = line.find(k_status);
    if (status_at == 0 || status_at == std::string_view::npos
        || line.substr(0, status_at).find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    line.remove_prefix(status_at + k_status.size());
    const auto batch_at = line.find(k_batch);
    if (batch_at == std::string_view::npos) {
        return std::nullopt;
    }
    const auto journal_at = line.find(k_journal, batch_at + k_batch.size());
    if (journal_at == std::string_view::npos) {
        return std::nullopt;
    }
    RejectedLine r;
    r.code = std::string(trim(line.substr(0, batch_at)));
    r.batch_name =
        std::string(line.substr(batch_at + k_batch.size(), journal_at - batch_at - k_batch.size()));
    const std::string_view after_journal = line.substr(journal_at + k_journal.size());
    const auto reason_at = after_journal.find(k_reason);
    if (reason_at == std::string_view::npos) {
        r.journal_name = std::string(trim(after_journal));
    } else {
        r.journal_name = std::string(after_journal.substr(0, reason_at));
        r.reason = std::string(trim(after_journal.substr(reason_at + k_reason.size())));
    }
    if (r.code.empty()) {
        return std::nullopt;
    }
    return r;
}

} // namespace

std::expected<void, std::string> zip_gl_interface(const std::string& csv_path,
                                                  const std::string& zip_path)
{
    int code = 0;
    ZipHandle archive(zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
    if (!archive) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        std::string why = zip_error_text(&error);
        zip_error_fini(&error);
        return std::unexpected("zip: cannot create " + zip_path + ": " + why);
    }
    // The CSV is read from its file when the archive is written (zip_close), not held in memory.
    zip_source_t* source = zip_source_file(archive.get(), csv_path.c_str(), 0, 0);
    if (source == nullptr) {
        return std::unexpected("zip: cannot read " + csv_path + ": "
                               + zip_error_text(zip_get_error(archive.get())));
    }
    if (zip_file_add(archive.get(), k_entry_name, source, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8)
        < 0) {
        zip_source_free(source);
        return std::unexpected("zip: cannot add " + std::string(k_entry_name) + ": "
                               + zip_error_text(zip_get_error(archive.get())));
    }
    if (zip_close(archive.get()) != 0) {
        // zip_close writes to a temporary file and renames it: nothing half-written is left.
        // The CSV is opened only now, so a missing or unreadable one shows here too.
        return std::unexpected("zip: writing " + zip_path + " from " + csv_path
                               + " failed: " + zip_error_text(zip_get_error(archive.get())));
    }
    (void)archive.release(); // closed: zip_close freed it
    return {};
}

std::expected<std::string, std::string> import_body(const ImportParams& params,
                                                    const std::string& zip_path)
{
    // ParameterList is comma-separated with no quoting: a comma inside a value would shift
    // every later argument (and a source that does not match USER_JE_SOURCE_NAME selects 0 rows).
    if (params.source.empty() || params.source.find(',') != std::string::npos) {
        return std::unexpected("import: the journal source \"" + params.source
                               + "\" is empty or holds a comma; ParameterList cannot carry it");
    }
    if (params.data_access_set_id.find(',') != std::string::npos) {
        return std::unexpected("import: the data access set id \"" + params.data_access_set_id
                               + "\" holds a comma");
    }
    std::ifstream in(zip_path, std::ios::binary);
    if (!in) {
        return std::unexpected("import: cannot read " + zip_path);
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return std::unexpected("import: reading " + zip_path + " failed");
    }
    const std::string das = params.data_access_set_id.empty() ? "#NULL" : params.data_access_set_id;
    // DataAccessSetId, JournalSourceName, LedgerId, GroupId, PostErrorsToSuspense,
    // CreateSummaryJournals, ImportDFF: DAS first (reference §5, two live-verified sources).
    const std::string parameters = das + "," + params.source + ","
                                   + std::to_string(params.ledger_id) + ","
                                   + std::to_string(params.group_id) + ",N,N,N";
    const std::string file_name = params.file_name.empty()
                                      ? "MLC_" + std::to_string(params.group_id) + ".zip"
                                      : params.file_name;
    json::Writer w;
    w.begin_object();
    w.field("OperationName", "importBulkData");
    w.field("DocumentContent", base64_encode(bytes));
    w.field("ContentType", "zip");
    w.field("FileName", file_name);
    w.field("DocumentAccount", "fin$/generalLedger$/import$");
    w.field("JobName", k_job_name);
    w.field("ParameterList", parameters);
    w.field("CallbackURL", "#NULL");
    w.field("NotificationCode", "10");
    // Without JobOptions the logs are not extracted and the execution details stay empty.
    w.field("JobOptions", "ExtractFileType=ALL");
    w.end_object();
    return w.str();
}

std::expected<std::int64_t, http::Error> submit_import(Client& client, const std::string& body)
{
    http::Request request;
    request.method = "POST";
    request.url = client.rest_root() + "/erpintegrations";
    request.headers.set("Accept", "application/json");
    request.headers.set("Content-Type", k_item_content_type);
    request.body = body;
    // Not idempotent: importBulkData has no de-duplication, so a resend after a possible
    // application would import the journals twice. The caller looks the batch up instead.
    auto result = client.http().send(std::move(request),
                                     {.path_template = "/erpintegrations", .idempotent = false});
    if (!result) {
        return std::unexpected(result.error());
    }
    auto doc = json::parse(result->body);
    if (!doc) {
        return std::unexpected(http::shape_error(result->status, parse_error_text(doc.error())));
    }
    if (!doc->IsObject()) {
        return std::unexpected(http::shape_error(result->status, "the answer is not an object"));
    }
    // The answer echoes the request, DocumentContent (the whole zip) included: keep it out of
    // messages and of the error body.
    doc->RemoveMember("DocumentContent");
    const auto id = json::get_id(*doc, "ReqstId");
    if (!id || *id <= 0) {
        // Oracle answers 200/201 even when it refuses the submission (an unknown job path gives
        // ReqstId "-1"): a refusal, not a transport or shape problem, and resending it as it is
        // would be refused again.
        const auto* v = json::find(*doc, "ReqstId");
        const std::string shown =
            v == nullptr
                ? "no ReqstId"
                : "ReqstId " + (v->IsString() ? std::string(v->GetString()) : json::to_string(*v));
        return std::unexpected(error_of(result->status,
                                        "erpintegrations importBulkData was not accepted (" + shown
                                            + "): check JobName, DocumentAccount and ParameterList",
                                        json::to_string(*doc)));
    }
    return *id;
}

std::expected<std::string, http::Error> job_status(Client& client, std::int64_t request_id)
{
    Query query;
    query.finder = "ESSJobStatusRF;requestId=" + std::to_string(request_id);
    query.limit = 1;
    auto result = client.get("erpintegrations", query, "/erpintegrations");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto doc = json::parse(result->body);
    if (!doc) {
        return std::unexpected(http::shape_error(result->status, parse_error_text(doc.error())));
    }
    const auto* item = first_item(*doc);
    if (item == nullptr) {
        // ESSJobStatusRF only knows requests submitted through erpintegrations.
        return std::unexpected(http::shape_error(
            result->status, "ESSJobStatusRF has no ESS request " + std::to_string(request_id)));
    }
    auto status = json::get_string(*item, "RequestStatus");
    if (!status || status->empty()) {
        return std::unexpected(http::shape_error(
            result->status, "ESS request " + std::to_string(request_id) + " has no RequestStatus"));
    }
    return std::move(*status);
}

bool job_finished(const std::string& status)
{
    // PAUSED is the parent waiting for its children; WAIT, READY, RUNNING, BLOCKED … are on
    // their way. Only these end a request.
    return status == "SUCCEEDED" || status == "WARNING" || status == "ERROR" || status == "CANCELED"
           || status == "CANCELLED" || status == "ERROR MANUAL RECOVERY" || status == "EXPIRED"
           || status == "FINISHED";
}

bool job_succeeded(const std::string& status)
{
    return status == "SUCCEEDED" || status == "WARNING";
}

std::vector<RejectedLine> parse_rejected_log(const std::string& text)
{
    std::vector<RejectedLine> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        if (auto r = rejected_line_of(std::string_view(text).substr(start, end - start))) {
            out.push_back(std::move(*r));
        }
        start = end + 1;
    }
    return out;
}

std::vector<RejectedLine> parse_rejected_logs_zip(const std::string& base64_zip)
{
    const auto bytes = base64_decode(base64_zip);
    if (!bytes || bytes->empty()) {
        return {};
    }
    const auto files = unzip_all(*bytes);
    if (!files) {
        return {};
    }
    std::vector<RejectedLine> out;
    for (const auto& text : *files) {
        auto lines = parse_rejected_log(text);
        out.insert(out.end(), std::make_move_iterator(lines.begin()),
                   std::make_move_iterator(lines.end()));
    }
    return out;
}

std::expected<std::vector<RejectedLine>, http::Error> rejected_lines(Client& client,
                                                                     std::int64_t request_id)
{
    Query query;
    query.finder =
        "ESSJobExecutionDetailsRF;requestId=" + std::to_string(request_id) + ",fileType=LOG";
    query.limit = 1;
    auto result = client.get("erpintegrations", query, "/erpintegrations");
    if (!result) {
        return std::unexpected(result.error());
    }
    // Best effort from here: a body we cannot read names no rejected rows.
    auto doc = json::parse(result->body);
    if (!doc) {
        return std::vector<RejectedLine>{};
    }
    const auto* item = first_item(*doc);
    if (item == nullptr) {
        return std::vector<RejectedLine>{};
    }
    return parse_rejected_logs_zip(json::get_string(*item, "DocumentContent").value_or(""));
}

} // namespace mlc::oracle::fbdi
