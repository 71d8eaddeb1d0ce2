#include "support/browser.hpp"

#include "core/decimal.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

namespace mlc::test {

namespace {

bool browser_executable(const std::filesystem::path& p)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::string browser_file_url(const std::filesystem::path& path)
{
    const std::string text = std::filesystem::absolute(path).string();
    std::string url = "file://";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || std::strchr("/-_.~", c) != nullptr) {
            url += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            url += hex;
        }
    }
    return url;
}

std::uint32_t browser_be32(const std::string& b, std::size_t at)
{
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24)
           | (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16)
           | (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8)
           | static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

std::string browser_unescape(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        const auto semi = text.find(';', i);
        if (semi == std::string::npos || semi - i > 10) {
            out += text[i];
            continue;
        }
        const std::string name = text.substr(i + 1, semi - i - 1);
        if (name == "amp") {
            out += '&';
        } else if (name == "lt") {
            out += '<';
        } else if (name == "gt") {
            out += '>';
        } else if (name == "quot") {
            out += '"';
        } else if (name == "#39" || name == "apos") {
            out += '\'';
        } else if (name == "nbsp") {
            out += "\xC2\xA0";
        } else {
            out += text.substr(i, semi - i + 1);
        }
        i = semi;
    }
    return out;
}

// Text between tags, tags dropped, entities unescaped.
std::string browser_inner_text(const std::string& html)
{
    std::string text;
    bool in_tag = false;
    for (const char c : html) {
        if (c == '<') {
            in_tag = true;
        } else if (c == '>') {
            in_tag = false;
        } else if (!in_tag) {
            text += c;
        }
    }
    return browser_unescape(text);
}

struct BrowserTag {
    std::string name;
    bool closing = false;
    std::map<std::string, std::string> attributes;
    std::size_t end = 0; // just past '>'
};

// The tag starting at `at` ('<'); Chromium's serializer quotes every value with ".
BrowserTag browser_tag_at(const std::string& dom, std::size_t at)
{
    BrowserTag tag;
    std::size_t i = at + 1;
    if (i < dom.size() && dom[i] == '/') {
        tag.closing = true;
        ++i;
    }
    while (i < dom.size()
           && (std::isalnum(static_cast<unsigned char>(dom[i])) != 0 || dom[i] == '-'
               || dom[i] == '!')) {
        tag.name += static_cast<char>(std::tolower(static_cast<unsigned char>(dom[i++])));
    }
    while (i < dom.size() && dom[i] != '>') {
        if (std::isspace(static_cast<unsigned char>(dom[i])) != 0 || dom[i] == '/') {
            ++i;
            continue;
        }
        std::string name;
        while (i < dom.size() && dom[i] != '=' && dom[i] != '>'
               && std::isspace(static_cast<unsigned char>(dom[i])) == 0) {
            name += dom[i++];
        }
        std::string value;
        if (i < dom.size() && dom[i] == '=') {
            ++i;
            if (i < dom.size() && dom[i] == '"') {
                const auto close = dom.find('"', i + 1);
                value = dom.substr(i + 1, close - i - 1);
                i = close + 1;
            } else {
                while (i < dom.size() && dom[i] != '>'
                       && std::isspace(static_cast<unsigned char>(dom[i])) == 0) {
                    value += dom[i++];
                }
            }
        }
        tag.attributes[name] = browser_unescape(value);
    }
    tag.end = i + 1;
    return tag;
}

std::string browser_json_text(const json::Value& obj, const char* key)
{
    if (!obj.IsObject() || !obj.HasMember(key)) {
        return "<absent>";
    }
    const auto& v = obj[key];
    if (v.IsString()) {
        return {v.GetString(), v.GetStringLength()};
    }
    if (v.IsBool()) {
        return v.GetBool() ? "true" : "false";
    }
    if (v.IsInt64()) {
        return std::to_string(v.GetInt64());
    }
    if (v.IsNull()) {
        return "";
    }
    return "<not a string>";
}

Decimal browser_decimal(const std::string& text)
{
    const auto d = Decimal::parse(text);
    INFO("amount " << text);
    REQUIRE(d);
    return *d;
}

} // namespace

std::optional<std::filesystem::path> find_chromium()
{
    if (const char* env = std::getenv("MLC_CHROMIUM"); env != nullptr && *env != '\0') {
        return browser_executable(env) ? std::optional<std::filesystem::path>(env) : std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser"}) {
        std::size_t start = 0;
        while (start <= dirs.size()) {
            const auto colon = dirs.find(':', start);
            const std::string dir =
                dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (!dir.empty() && browser_executable(std::filesystem::path(dir) / name)) {
                return std::filesystem::path(dir) / name;
            }
            if (colon == std::string::npos) {
                break;
            }
            start = colon + 1;
        }
    }
    return std::nullopt;
}

std::optional<std::filesystem::path> browser_or_allowed_absence()
{
    if (auto found = find_chromium()) {
        return found;
    }
    const char* allow = std::getenv("MLC_ALLOW_NO_BROWSER");
    if (allow != nullptr && std::string(allow) == "1") {
        WARN("chromium is not installed: the browser test did not run (MLC_ALLOW_NO_BROWSER=1); "
             "scripts/install-deps.sh installs it");
        return std::nullopt;
    }
    FAIL("chromium is not installed, so the close report was not rendered: run "
         "scripts/install-deps.sh (it installs Debian's chromium), or set "
         "MLC_ALLOW_NO_BROWSER=1 to let this test pass without it");
    return std::nullopt;
}

ProcessResult run_chromium(const std::filesystem::path& chromium,
                           const std::filesystem::path& work_dir, const std::filesystem::path& page,
                           const std::vector<std::string>& extra_args)
{
    // A new empty profile per run: nothing remembered between runs, nothing shared with a user.
    static std::atomic<int> runs{0};
    const auto home = work_dir / ("chromium-" + std::to_string(++runs));
    std::filesystem::create_directories(home / "profile");
    // Offline and alone: no background requests, no updates, no sync, no QUIC. Containers give
    // /dev/shm 64 MB, too little for Chromium: --disable-dev-shm-usage.
    std::vector<std::string> argv = {chromium.string(),
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-dev-shm-usage",
                                     "--user-data-dir=" + (home / "profile").string()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    argv.push_back(browser_file_url(page));
    ProcessOptions options;
    // Whatever Chromium writes outside its profile (caches, crash dumps) stays in the test folder.
    options.env = {{"HOME", home.string()},
                   {"XDG_CONFIG_HOME", (home / "config").string()},
                   {"XDG_CACHE_HOME", (home / "cache").string()}};
    options.cwd = home;
    return run_process(argv, options);
}

std::uint32_t Image::pixel(int x, int y) const
{
    const auto at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width)
                     + static_cast<std::size_t>(x))
                    * 3;
    return (static_cast<std::uint32_t>(rgb[at]) << 16)
           | (static_cast<std::uint32_t>(rgb[at + 1]) << 8) | rgb[at + 2];
}

std::size_t Image::count_color(std::uint32_t rgb_value, int tolerance) const
{
    const int r = static_cast<int>((rgb_value >> 16) & 0xff);
    const int g = static_cast<int>((rgb_value >> 8) & 0xff);
    const int b = static_cast<int>(rgb_value & 0xff);
    std::size_t n = 0;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        if (std::abs(rgb[i] - r) <= tolerance && std::abs(rgb[i + 1] - g) <= tolerance
            && std::abs(rgb[i + 2] - b) <= tolerance) {
            ++n;
        }
    }
    return n;
}

std::size_t Image::count_not_background() const
{
    if (rgb.empty()) {
        return 0;
    }
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height)
           - count_color(pixel(0, 0), 0);
}

std::optional<Image> decode_png(const std::string& bytes, std::string& error)
{
    static const std::string signature = "\x89PNG\r\n\x1a\n";
    if (bytes.size() < 8 + 25 || bytes.compare(0, 8, signature) != 0) {
        error = "not a PNG (no signature)";
        return std::nullopt;
    }
    Image image;
    int channels = 0;
    std::string idat;
    bool ended = false;
    for (std::size_t at = 8; at + 12 <= bytes.size();) {
        const std::uint32_t length = browser_be32(bytes, at);
        const std::string type = bytes.substr(at + 4, 4);
        if (at + 12 + length > bytes.size()) {
            error = "chunk " + type + " runs past the end";
            return std::nullopt;
        }
        const std::string data = bytes.substr(at + 8, length);
        const auto crc = static_cast<std::uint32_t>(
            ::crc32(::crc32(0, reinterpret_cast<const Bytef*>(type.data()), 4),
                    reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(length)));
        if (crc != browser_be32(bytes, at + 8 + length)) {
            error = "chunk " + type + " has a bad CRC";
            return std::nullopt;
        }
        if (type == "IHDR") {
            image.width = static_cast<int>(browser_be32(data, 0));
            image.height = static_cast<int>(browser_be32(data, 4));
            const int depth = static_cast<unsigned char>(data[8]);
            const int color = static_cast<unsigned char>(data[9]);
            const int interlace = static_cast<unsigned char>(data[12]);
            channels = color == 2 ? 3 : color == 6 ? 4 : 0;
            if (depth != 8 || channels == 0 || interlace != 0) {
                error = "only 8-bit RGB or RGBA, not interlaced, is read here";
                return std::nullopt;
            }
        } else if (type == "IDAT") {
            idat += data;
        } else if (type == "IEND") {
            ended = true;
            break;
        }
        at += 12 + length;
    }
    if (!ended || channels == 0 || image.width <= 0 || image.height <= 0) {
        error = "no IHDR or IEND";
        return std::nullopt;
    }
    const auto w = static_cast<std::size_t>(image.width);
    const auto h = static_cast<std::size_t>(image.height);
    const auto bpp = static_cast<std::size_t>(channels);
    const std::size_t stride = w * bpp;
    std::vector<std::uint8_t> raw(h * (stride + 1));
    uLongf raw_size = static_cast<uLongf>(raw.size());
    if (::uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                     static_cast<uLong>(idat.size()))
            != Z_OK
        || raw_size != raw.size()) {
        error = "the image data does not inflate to width x height";
        return std::nullopt;
    }
    // Undo the per-row filters (PNG spec, section 9).
    std::vector<std::uint8_t> pixels(h * stride);
    for (std::size_t y = 0; y < h; ++y) {
        const std::uint8_t filter = raw[y * (stride + 1)];
        const std::uint8_t* in = &raw[y * (stride + 1) + 1];
        std::uint8_t* out = &pixels[y * stride];
        const std::uint8_t* up = y > 0 ? &pixels[(y - 1) * stride] : nullptr;
        for (std::size_t x = 0; x < stride; ++x) {
            const int a = x >= bpp ? out[x - bpp] : 0;
            const int b = up != nullptr ? up[x] : 0;
            const int c = (up != nullptr && x >= bpp) ? up[x - bpp] : 0;
            int predicted = 0;
            switch (filter) {
            case 0:
                predicted = 0;
                break;
            case 1:
                predicted = a;
                break;
            case 2:
                predicted = b;
                break;
            case 3:
                predicted = (a + b) / 2;
                break;
            case 4: {
                const int p = a + b - c;
                const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                predicted = (pa <= pb && pa <= pc) ? a : pb <= pc ? b : c;
                break;
            }
            default:
                error = "unknown row filter";
                return std::nullopt;
            }
            out[x] = static_cast<std::uint8_t>((in[x] + predicted) & 0xff);
        }
    }
    image.rgb.reserve(w * h * 3);
    for (std::size_t i = 0; i < pixels.size(); i += bpp) {
        image.rgb.insert(image.rgb.end(), pixels.begin() + static_cast<std::ptrdiff_t>(i),
                         pixels.begin() + static_cast<std::ptrdiff_t>(i + 3));
    }
    return image;
}

std::string ReportRow::attribute(const std::string& name) const
{
    const auto it = attributes.find(name);
    return it == attributes.end() ? std::string("<absent>") : it->second;
}

std::vector<const ReportRow*> ReportDom::of_kind(const std::string& kind) const
{
    std::vector<const ReportRow*> out;
    for (const auto& row : rows) {
        if (row.attribute("data-kind") == kind) {
            out.push_back(&row);
        }
    }
    return out;
}

ReportDom read_report_dom(const std::string& dom)
{
    ReportDom page;
    ReportRow* row = nullptr;
    for (auto at = dom.find('<'); at != std::string::npos; at = dom.find('<', at + 1)) {
        if (dom.compare(at, 4, "<!--") == 0) {
            at = dom.find("-->", at);
            if (at == std::string::npos) {
                break;
            }
            continue;
        }
        const BrowserTag tag = browser_tag_at(dom, at);
        if (tag.closing) {
            if (tag.name == "tr") {
                row = nullptr;
            }
            continue;
        }
        auto attr = [&tag](const char* name) {
            const auto it = tag.attributes.find(name);
            return it == tag.attributes.end() ? std::string{} : it->second;
        };
        auto inner = [&]() {
            const auto close = dom.find("</" + tag.name + ">", tag.end);
            return browser_inner_text(dom.substr(tag.end, close - tag.end));
        };
        if (tag.attributes.contains("data-kind")) {
            page.rows.push_back({tag.attributes, {}});
            row = &page.rows.back();
        } else if (tag.attributes.contains("data-col") && row != nullptr) {
            row->cells[attr("data-col")] = {attr("data-value"), inner()};
        } else if (tag.attributes.contains("data-field")) {
            page.fields[attr("data-field")] = {attr("data-value"), inner()};
        } else if (tag.name == "rect" && tag.attributes.contains("data-day")) {
            page.bars.emplace_back(attr("data-day"), attr("data-value"));
        }
    }
    return page;
}

std::string plain_amount(const std::string& shown)
{
    std::string out;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        if (shown.compare(i, 3, "\u2212") == 0) {
            out += '-';
            i += 2;
        } else if (shown[i] != ',') {
            out += shown[i];
        }
    }
    return out;
}

void check_report_matches_json(const ReportDom& page, const json::Value& reconcile)
{
    REQUIRE(reconcile.IsObject());
    auto field = [&page](const std::string& name) {
        const auto it = page.fields.find(name);
        return it == page.fields.end() ? std::string("<absent>") : it->second.value;
    };
    for (const char* key :
         {"period", "start_date", "end_date", "period_status", "currency", "generated_at"}) {
        INFO("summary " << key);
        CHECK(field(key) == browser_json_text(reconcile, key));
    }
    CHECK(field("agrees") == browser_json_text(reconcile, "agrees"));
    REQUIRE(reconcile.HasMember("rows"));
    REQUIRE(reconcile.HasMember("differences"));
    REQUIRE(reconcile.HasMember("commitments"));
    REQUIRE(reconcile.HasMember("posted_by_day"));
    const auto& rows = reconcile["rows"];
    const auto& differences = reconcile["differences"];
    const auto& commitments = reconcile["commitments"];
    CHECK(field("differences") == std::to_string(differences.Size()));

    // An amount cell: its hook and what a reader sees, both equal to the JSON's text.
    auto amount = [](const ReportRow& row, const std::string& col, const std::string& expected) {
        INFO("column " << col);
        const auto it = row.cells.find(col);
        REQUIRE(it != row.cells.end());
        CHECK(it->second.value == expected);
        CHECK(plain_amount(it->second.text) == expected);
    };

    // Every row, once, with its three columns; totals per project from the same rows.
    const auto page_rows = page.of_kind("row");
    CHECK(page_rows.size() == rows.Size());
    std::map<std::string, std::array<Decimal, 3>> totals;
    std::set<std::string> projects;
    for (const auto& r : rows.GetArray()) {
        const std::string project = browser_json_text(r, "project_id");
        const std::string account = browser_json_text(r, "account");
        INFO("row " << project << " " << account);
        std::vector<const ReportRow*> found;
        for (const auto* p : page_rows) {
            if (p->attribute("data-project") == project
                && p->attribute("data-account") == account) {
                found.push_back(p);
            }
        }
        REQUIRE(found.size() == 1);
        const auto& row = *found.front();
        CHECK(row.attribute("data-cost-center") == browser_json_text(r, "cost_center"));
        CHECK(row.attribute("data-agrees") == browser_json_text(r, "agrees"));
        const std::string procore = browser_json_text(r, "procore");
        const std::string posted = browser_json_text(r, "posted");
        const std::string oracle = browser_json_text(r, "oracle");
        amount(row, "procore", procore);
        amount(row, "posted", posted);
        amount(row, "oracle", oracle);
        amount(row, "difference", (browser_decimal(procore) - browser_decimal(oracle)).fixed(2));
        auto& t = totals[project];
        projects.insert(project);
        const auto* offset = json::find(r, "offset");
        if (offset != nullptr && offset->IsBool() && offset->GetBool()) {
            continue; // the totals are the projects' cost, offsets left out
        }
        t[0] += browser_decimal(procore);
        t[1] += browser_decimal(posted);
        t[2] += browser_decimal(oracle);
        projects.insert(project);
    }
    for (const auto& d : differences.GetArray()) {
        projects.insert(browser_json_text(d, "project_id"));
    }
    const auto page_totals = page.of_kind("project-total");
    CHECK(page_totals.size() == projects.size());
    for (const auto& project : projects) {
        INFO("project total " << project);
        std::vector<const ReportRow*> found;
        for (const auto* p : page_totals) {
            if (p->attribute("data-project") == project) {
                found.push_back(p);
            }
        }
        REQUIRE(found.size() == 1);
        const auto t = totals[project];
        amount(*found.front(), "procore", t[0].fixed(2));
        amount(*found.front(), "posted", t[1].fixed(2));
        amount(*found.front(), "oracle", t[2].fixed(2));
    }

    // Every difference in the JSON's order, with its document, why and what to do.
    const auto page_differences = page.of_kind("difference");
    CHECK(page_differences.size() == differences.Size());
    for (json::SizeType i = 0; i < differences.Size(); ++i) {
        const auto& d = differences[i];
        INFO("difference " << i << " " << browser_json_text(d, "document"));
        std::vector<const ReportRow*> found;
        for (const auto* p : page_differences) {
            if (p->attribute("data-index") == std::to_string(i)) {
                found.push_back(p);
            }
        }
        REQUIRE(found.size() == 1);
        const auto& row = *found.front();
        CHECK(row.attribute("data-difference") == browser_json_text(d, "kind"));
        CHECK(row.attribute("data-project") == browser_json_text(d, "project_id"));
        CHECK(row.attribute("data-account") == browser_json_text(d, "account"));
        CHECK(row.attribute("data-record") == browser_json_text(d, "record_key"));
        amount(row, "procore", browser_json_text(d, "procore"));
        amount(row, "posted", browser_json_text(d, "posted"));
        amount(row, "oracle", browser_json_text(d, "oracle"));
        REQUIRE(row.cells.contains("document"));
        CHECK(row.cells.at("document").text.starts_with(browser_json_text(d, "document")));
        REQUIRE(row.cells.contains("why"));
        CHECK(row.cells.at("why").text == browser_json_text(d, "why"));
        REQUIRE(row.cells.contains("action"));
        CHECK(row.cells.at("action").text == browser_json_text(d, "action"));
    }

    const auto page_commitments = page.of_kind("commitment");
    CHECK(page_commitments.size() == commitments.Size());
    for (const auto& c : commitments.GetArray()) {
        const std::string id = browser_json_text(c, "commitment_id");
        INFO("commitment " << id);
        std::vector<const ReportRow*> found;
        for (const auto* p : page_commitments) {
            if (p->attribute("data-commitment") == id) {
                found.push_back(p);
            }
        }
        REQUIRE(found.size() == 1);
        CHECK(found.front()->attribute("data-project") == browser_json_text(c, "project_id"));
        CHECK(found.front()->attribute("data-agrees") == browser_json_text(c, "agrees"));
        for (const char* col :
             {"procore_committed", "oracle_ordered", "procore_invoiced", "oracle_invoiced"}) {
            amount(*found.front(), col, browser_json_text(c, col));
        }
    }

    // One bar per day; the days posted on carry the JSON's amounts, the others zero.
    const auto& by_day = reconcile["posted_by_day"];
    REQUIRE(by_day.IsObject());
    std::map<std::string, std::string> bars;
    for (const auto& [day, value] : page.bars) {
        CHECK(bars.emplace(day, value).second);
    }
    for (const auto& m : by_day.GetObject()) {
        const std::string day(m.name.GetString(), m.name.GetStringLength());
        INFO("bar " << day);
        REQUIRE(m.value.IsString());
        REQUIRE(bars.contains(day));
        CHECK(bars.at(day) == std::string(m.value.GetString(), m.value.GetStringLength()));
        bars.erase(day);
    }
    for (const auto& [day, value] : bars) {
        INFO("bar " << day << " (nothing posted that day)");
        CHECK(value == "0.00");
    }
}

} // namespace mlc::test
