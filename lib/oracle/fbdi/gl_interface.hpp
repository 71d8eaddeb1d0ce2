#pragma once
// GlInterface.csv, the Journal Import file: headerless, positional, comma-delimited, one row per
// journal line, every row the full column count of the template (150, ending CREATION_DATE, as
// in reference/samples/oracle/GlInterface_columns.txt; the tail past 95 is unconfirmed and left
// empty). Dates YYYY/MM/DD, amounts plain decimals with '.', no thousands separator. Rows are
// written to a file as they are produced, so memory does not grow with the number of lines.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mlc::oracle::fbdi {

inline constexpr std::size_t k_gl_interface_columns = 150;

// One GL_INTERFACE row. Amount fields are decimal text; exactly one of entered_dr/entered_cr
// is set on a line.
struct GlRow {
    std::int64_t ledger_id = 0;
    std::string accounting_date; // YYYY-MM-DD (written YYYY/MM/DD)
    std::string source;          // USER_JE_SOURCE_NAME: equals ParameterList position 2
    std::string category;        // USER_JE_CATEGORY_NAME
    std::string currency;
    std::string date_created;          // YYYY-MM-DD; always set
    std::vector<std::string> segments; // SEGMENT1.. in chart order (≤ 30)
    std::string entered_dr, entered_cr;
    std::string reference1;  // batch name
    std::string reference2;  // batch description
    std::string reference4;  // journal name
    std::string reference5;  // journal description
    std::string reference6;  // journal reference
    std::string reference10; // line description
    std::string reference21; // a per-line reference
    std::int64_t group_id = 0;
    std::string ledger_name;
    std::string period_name; // e.g. "Jul-26"
};

// The CSV text of one row (without the newline): k_gl_interface_columns fields. A field with a
// comma, quote, CR or LF is quoted with quotes doubled.
std::string gl_row_csv(const GlRow& row);

// Writes rows to a temporary file (O_TMPFILE-like: created in `dir`, removed on destruction).
class GlInterfaceFile {
public:
    explicit GlInterfaceFile(const std::string& dir);
    ~GlInterfaceFile();
    GlInterfaceFile(const GlInterfaceFile&) = delete;
    GlInterfaceFile& operator=(const GlInterfaceFile&) = delete;

    void add(const GlRow& row); // throws std::runtime_error on a write error (full disk)
    std::int64_t rows() const { return rows_; }
    // Flushes and returns the path of the finished CSV.
    const std::string& finish();

private:
    std::string path_;
    std::FILE* file_ = nullptr;
    std::int64_t rows_ = 0;
};

} // namespace mlc::oracle::fbdi
