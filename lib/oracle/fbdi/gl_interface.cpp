#include "oracle/fbdi/gl_interface.hpp"

#include "core/decimal.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace mlc::oracle::fbdi {

namespace {

// 1-based positions, as GlInterface_columns.txt numbers them (reference §5, confirmed 1–95).
enum Column : std::size_t {
    k_status = 1,
    k_ledger_id = 2,
    k_accounting_date = 3,
    k_source = 4,
    k_category = 5,
    k_currency = 6,
    k_date_created = 7,
    k_actual_flag = 8,
    k_segment1 = 9, // … SEGMENT30 at 38
    k_entered_dr = 39,
    k_entered_cr = 40,
    // 41, 42: ACCOUNTED_DR/CR stay empty (Oracle converts from the entered amounts)
    k_reference1 = 43,
    k_reference2 = 44,
    k_reference4 = 46,
    k_reference5 = 47,
    k_reference6 = 48,
    k_reference10 = 52,
    k_reference21 = 53,
    k_group_id = 67,
    k_ledger_name = 92,
    k_period_name = 95,
};
constexpr std::size_t k_max_segments = 30;

// "2026-07-31" → "2026/07/31". Anything else is written as given: the flow validates dates
// before it builds rows, and Journal Import names a bad one (EP01) rather than us guessing.
std::string fbdi_date(const std::string& iso)
{
    const bool shaped = iso.size() == 10 && iso[4] == '-' && iso[7] == '-';
    if (!shaped) {
        return iso;
    }
    std::string out = iso;
    out[4] = '/';
    out[7] = '/';
    return out;
}

// Plain decimal text ("250.0" → "250", "+.5" → "0.5"): no sign the import would misread, never
// an exponent. Text that is not a decimal is written as given (Journal Import refuses the line).
std::string fbdi_amount(const std::string& text)
{
    if (text.empty()) {
        return text;
    }
    const auto d = Decimal::parse(text);
    return d ? d->str() : text;
}

void append_field(std::string& out, const std::string& field)
{
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    out += '"';
}

} // namespace

std::string gl_row_csv(const GlRow& row)
{
    if (row.segments.size() > k_max_segments) {
        throw std::invalid_argument("GlInterface.csv: " + std::to_string(row.segments.size())
                                    + " segments; GL_INTERFACE has SEGMENT1..SEGMENT30");
    }
    std::array<std::string, k_gl_interface_columns> f;
    auto at = [&f](std::size_t position) -> std::string& { return f[position - 1]; };
    at(k_status) = "NEW";
    at(k_ledger_id) = std::to_string(row.ledger_id);
    at(k_accounting_date) = fbdi_date(row.accounting_date);
    at(k_source) = row.source;
    at(k_category) = row.category;
    at(k_currency) = row.currency;
    at(k_date_created) = fbdi_date(row.date_created);
    at(k_actual_flag) = "A";
    for (std::size_t i = 0; i < row.segments.size(); ++i) {
        at(k_segment1 + i) = row.segments[i];
    }
    at(k_entered_dr) = fbdi_amount(row.entered_dr);
    at(k_entered_cr) = fbdi_amount(row.entered_cr);
    at(k_reference1) = row.reference1;
    at(k_reference2) = row.reference2;
    at(k_reference4) = row.reference4;
    at(k_reference5) = row.reference5;
    at(k_reference6) = row.reference6;
    at(k_reference10) = row.reference10;
    at(k_reference21) = row.reference21;
    at(k_group_id) = std::to_string(row.group_id);
    at(k_ledger_name) = row.ledger_name;
    at(k_period_name) = row.period_name;

    std::string out;
    out.reserve(k_gl_interface_columns + 256);
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        append_field(out, f[i]);
    }
    return out;
}

GlInterfaceFile::GlInterfaceFile(const std::string& dir)
{
    std::string path = (dir.empty() ? std::string(".") : dir) + "/GlInterface-XXXXXX.csv";
    const int fd = ::mkstemps(path.data(), 4);
    if (fd < 0) {
        throw std::runtime_error("GlInterface.csv: cannot create a file in " + dir + ": "
                                 + std::strerror(errno));
    }
    path_ = path;
    file_ = ::fdopen(fd, "w");
    if (file_ == nullptr) {
        const int e = errno;
        ::close(fd);
        ::unlink(path_.c_str());
        throw std::runtime_error("GlInterface.csv: cannot open " + path_ + ": " + std::strerror(e));
    }
}

GlInterfaceFile::~GlInterfaceFile()
{
    if (file_ != nullptr) {
        std::fclose(file_);
    }
    ::unlink(path_.c_str());
}

void GlInterfaceFile::add(const GlRow& row)
{
    if (file_ == nullptr) {
        throw std::logic_error("GlInterface.csv: add after finish");
    }
    std::string line = gl_row_csv(row);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::ferror(file_)) {
        throw std::runtime_error("GlInterface.csv: writing " + path_
                                 + " failed: " + std::strerror(errno));
    }
    ++rows_;
}

const std::string& GlInterfaceFile::finish()
{
    if (file_ == nullptr) {
        return path_; // finished already
    }
    // fclose flushes the buffer: a full disk often shows only here.
    std::FILE* f = file_;
    file_ = nullptr;
    const bool flushed = std::fflush(f) == 0 && std::ferror(f) == 0;
    const int e = errno;
    const bool closed = std::fclose(f) == 0;
    if (!flushed || !closed) {
        throw std::runtime_error("GlInterface.csv: writing " + path_
                                 + " failed: " + std::strerror(flushed ? errno : e));
    }
    return path_;
}

} // namespace mlc::oracle::fbdi
