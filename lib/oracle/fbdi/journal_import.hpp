#pragma once
// Journal Import through erpintegrations: the CSV zipped (libzip's only home) and base64'd into
// one importBulkData call (JournalImportLauncher), the ESS request polled with ESSJobStatusRF,
// and, best effort, the execution log read for the rows Journal Import rejected.
#include "oracle/client.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace mlc::oracle::fbdi {

struct ImportParams {
    std::string data_access_set_id; // ParameterList 1; "#NULL" when empty
    std::string source;             // ParameterList 2 = USER_JE_SOURCE_NAME of every row
    std::int64_t ledger_id = 0;     // ParameterList 3
    std::int64_t group_id = 0;      // ParameterList 4 = GROUP_ID of every row
    std::string file_name;          // e.g. "MLC_<group_id>.zip" (deterministic)
};

// Zips `csv_path` as GlInterface.csv into `zip_path` (streamed from the file by libzip).
// Returns an error message on failure.
std::expected<void, std::string> zip_gl_interface(const std::string& csv_path,
                                                  const std::string& zip_path);

// The importBulkData body (JSON) for `zip_path`'s bytes: OperationName, DocumentContent (base64),
// ContentType zip, FileName, DocumentAccount fin$/generalLedger$/import$, JobName
// /oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher,
// ParameterList (7 positions, DAS first), CallbackURL #NULL, NotificationCode 10,
// JobOptions ExtractFileType=ALL.
std::expected<std::string, std::string> import_body(const ImportParams& params,
                                                    const std::string& zip_path);

// POST erpintegrations with that body (not idempotent: never retried after it may have been
// applied). The ESS request id; ReqstId -1 or none (Oracle's silent refusal, answered 200/201)
// is an Error of kind status carrying that 2xx status, a message naming the ReqstId, and the
// answer without its DocumentContent as the body.
std::expected<std::int64_t, http::Error> submit_import(Client& client, const std::string& body);

// GET erpintegrations?finder=ESSJobStatusRF;requestId=N → RequestStatus (SUCCEEDED, ERROR,
// WARNING, RUNNING, WAIT, PAUSED, CANCELED, ERROR MANUAL RECOVERY, …). A request the finder does
// not know (no items) or an item without RequestStatus is a shape error.
std::expected<std::string, http::Error> job_status(Client& client, std::int64_t request_id);

// Terminal: nothing more will happen to the job (PAUSED is not: the parent waits for children).
bool job_finished(const std::string& status);
// Finished with journals possibly imported (SUCCEEDED, WARNING).
bool job_succeeded(const std::string& status);

// A row Journal Import rejected, from the execution log (best effort; the log format is
// unconfirmed, see the .cpp).
struct RejectedLine {
    std::string batch_name;   // REFERENCE1
    std::string journal_name; // REFERENCE4
    std::string code;         // e.g. EF04
    std::string reason;
};
// The rejected rows a log text names (lines of another form are passed over).
std::vector<RejectedLine> parse_rejected_log(const std::string& text);
// The same over every file of a zip given as base64 (DocumentContent); empty when it is not
// base64 of a readable zip.
std::vector<RejectedLine> parse_rejected_logs_zip(const std::string& base64_zip);
// GET erpintegrations?finder=ESSJobExecutionDetailsRF;requestId=N,fileType=LOG: the zip of logs,
// searched for rejected rows. Empty when the log names none or cannot be read.
std::expected<std::vector<RejectedLine>, http::Error> rejected_lines(Client& client,
                                                                     std::int64_t request_id);

} // namespace mlc::oracle::fbdi
