#include "admin/audit_render.hpp"

#include "core/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace mlc::admin {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid (overlong
// forms, surrogates and code points above U+10FFFF are invalid too).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80) {
        return 1;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) {
            lo = 0xA0;
        } else if (c == 0xED) {
            hi = 0x9F;
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F;
        }
    } else {
        return 0;
    }
    if (i + n > text.size()) {
        return 0;
    }
    if (byte(i + 1) < lo || byte(i + 1) > hi) {
        return 0;
    }
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
            return 0;
        }
    }
    return n;
}

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// `text` with invalid UTF-8 replaced by U+FFFD.
std::string valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence_length(text, i);
        if (n == 0) {
            out += k_replacement;
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

// Number of code points (the table's idea of width; wide CJK glyphs are not special-cased).
std::size_t display_width(std::string_view utf8)
{
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// A one-line cell: line breaks and tabs as spaces, other control characters dropped, cut to
// `width` code points with "…" when longer.
std::string table_cell(std::string_view raw, std::size_t width)
{
    const std::string text = valid_utf8(raw);
    std::string out;
    std::size_t points = 0;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence_length(text, i);
        const char c = text[i];
        if (points + 1 == width && display_width(std::string_view(text).substr(i)) > 1) {
            out += "\xE2\x80\xA6"; // …
            return out;
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            out += ' ';
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            i += n;
            continue;
        } else {
            out.append(text, i, n);
        }
        ++points;
        i += n;
    }
    return out;
}

std::string or_dash(const std::optional<std::string>& v)
{
    return v ? *v : "-";
}

template <typename Int> std::string or_dash(const std::optional<Int>& v)
{
    return v ? std::to_string(*v) : "-";
}

std::string json_value(const std::optional<std::string>& v)
{
    return v ? json_string(*v) : "null";
}

template <typename Int> std::string json_value(const std::optional<Int>& v)
{
    return v ? std::to_string(*v) : "null";
}

} // namespace

std::optional<Format> parse_format(std::string_view name)
{
    if (name == "table") {
        return Format::table;
    }
    if (name == "json") {
        return Format::json;
    }
    if (name == "csv") {
        return Format::csv;
    }
    return std::nullopt;
}

std::string json_string(std::string_view raw)
{
    return json::quote(valid_utf8(raw));
}

std::string csv_field(std::string_view raw)
{
    const std::string text = valid_utf8(raw);
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

std::string render_table(const std::vector<store::AuditEntry>& rows)
{
    constexpr std::size_t k_columns = 9;
    const std::array<std::string, k_columns> header{
        "ID", "AT", "RUN", "ACTION", "KIND", "ORACLE KEY", "PROCORE KEY", "STATUS", "MESSAGE"};
    std::vector<std::array<std::string, k_columns>> cells;
    cells.reserve(rows.size());
    for (const auto& r : rows) {
        cells.push_back({std::to_string(r.id), table_cell(r.at, 40), or_dash(r.run_id),
                         table_cell(r.action, 20), table_cell(r.record_kind, 24),
                         table_cell(or_dash(r.oracle_key), 32),
                         table_cell(or_dash(r.procore_key), 32), or_dash(r.remote_status),
                         table_cell(r.message.value_or(""), k_table_message_width)});
    }
    std::array<std::size_t, k_columns> width{};
    for (std::size_t c = 0; c < k_columns; ++c) {
        width[c] = display_width(header[c]);
        for (const auto& row : cells) {
            width[c] = std::max(width[c], display_width(row[c]));
        }
    }
    const auto line = [&](const std::array<std::string, k_columns>& row) {
        std::string out;
        for (std::size_t c = 0; c < k_columns; ++c) {
            if (c + 1 == k_columns) {
                out += row[c]; // no trailing padding after the last column
                break;
            }
            out += row[c];
            out.append(width[c] - display_width(row[c]) + 2, ' ');
        }
        while (!out.empty() && out.back() == ' ') {
            out.pop_back();
        }
        out += '\n';
        return out;
    };
    std::string out = line(header);
    for (const auto& row : cells) {
        out += line(row);
    }
    if (rows.empty()) {
        out += "(no audit rows match)\n";
    }
    return out;
}

std::string render_json(const std::vector<store::AuditEntry>& rows)
{
    if (rows.empty()) {
        return "[]\n";
    }
    std::string out = "[\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        out += fmt::format(
            R"(  {{"id":{},"at":{},"run_id":{},"command":{},"record_kind":{},"oracle_key":{},)"
            R"("procore_key":{},"action":{},"before_fp":{},"after_fp":{},"remote_status":{},)"
            R"("remote_id":{},"message":{},"prev_hash":{},"hash":{}}})",
            r.id, json_string(r.at), json_value(r.run_id), json_string(r.command),
            json_string(r.record_kind), json_value(r.oracle_key), json_value(r.procore_key),
            json_string(r.action), json_value(r.before_fp), json_value(r.after_fp),
            json_value(r.remote_status), json_value(r.remote_id), json_value(r.message),
            json_string(r.prev_hash), json_string(r.hash));
        out += i + 1 < rows.size() ? ",\n" : "\n";
    }
    out += "]\n";
    return out;
}

std::string render_csv(const std::vector<store::AuditEntry>& rows)
{
    const auto opt = [](const std::optional<std::string>& v) { return v ? csv_field(*v) : ""; };
    std::string out = "id,at,run_id,command,record_kind,oracle_key,procore_key,action,before_fp,"
                      "after_fp,remote_status,remote_id,message,prev_hash,hash\r\n";
    for (const auto& r : rows) {
        out +=
            fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n", r.id, csv_field(r.at),
                        r.run_id ? std::to_string(*r.run_id) : "", csv_field(r.command),
                        csv_field(r.record_kind), opt(r.oracle_key), opt(r.procore_key),
                        csv_field(r.action), opt(r.before_fp), opt(r.after_fp),
                        r.remote_status ? std::to_string(*r.remote_status) : "", opt(r.remote_id),
                        opt(r.message), csv_field(r.prev_hash), csv_field(r.hash));
    }
    return out;
}

std::string render(const std::vector<store::AuditEntry>& rows, Format format)
{
    switch (format) {
    case Format::table:
        return render_table(rows);
    case Format::json:
        return render_json(rows);
    case Format::csv:
        return render_csv(rows);
    }
    return render_table(rows);
}

} // namespace mlc::admin
