#include "oracle_query.hpp"

#include <cctype>
#include <cmath>

namespace mlc::sim::oq {

void write_val(json::Writer& w, const Val& v)
{
    switch (v.kind) {
    case Kind::Null:
        w.Null();
        return;
    case Kind::Bool:
        w.Bool(v.b);
        return;
    case Kind::Int:
        w.Int64(v.i);
        return;
    case Kind::Num:
        w.Double(v.d);
        return;
    case Kind::Str:
        json::write_string(w, v.s);
        return;
    case Kind::Time:
        json::write_string(w, oracle_timestamp(v.i));
        return;
    case Kind::Date:
        json::write_string(w, v.s);
        return;
    }
}

int compare_vals(const Val& a, const Val& b)
{
    auto numeric = [](Kind k) { return k == Kind::Int || k == Kind::Num; };
    auto instant = [](Kind k) { return k == Kind::Time || k == Kind::Date; };
    if (a.kind == Kind::Null || b.kind == Kind::Null) {
        if (a.kind == b.kind)
            return 0;
        return a.kind == Kind::Null ? -1 : 1;
    }
    if (numeric(a.kind) && numeric(b.kind)) {
        if (a.kind == Kind::Int && b.kind == Kind::Int)
            return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
        double x = a.kind == Kind::Int ? static_cast<double>(a.i) : a.d;
        double y = b.kind == Kind::Int ? static_cast<double>(b.i) : b.d;
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (instant(a.kind) && instant(b.kind))
        return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
    if (a.kind == Kind::Str && b.kind == Kind::Str) {
        int c = a.s.compare(b.s);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (a.kind == Kind::Bool && b.kind == Kind::Bool)
        return static_cast<int>(a.b) - static_cast<int>(b.b);
    return static_cast<int>(a.kind) < static_cast<int>(b.kind) ? -1 : 1;
}

bool like_match(std::string_view text, std::string_view pattern)
{
    // Iterative wildcard match: % any run, _ one character.
    std::size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '_' || pattern[p] == text[t])) {
            ++t;
            ++p;
        } else if (p < pattern.size() && pattern[p] == '%') {
            star_p = p++;
            star_t = t;
        } else if (star_p != std::string_view::npos) {
            p = star_p + 1;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '%')
        ++p;
    return p == pattern.size();
}

Val convert_literal(Kind kind, const std::string& attr, const std::string& literal,
                    std::string& storage)
{
    storage = literal;
    switch (kind) {
    case Kind::Time:
    case Kind::Date: {
        std::int64_t ms = 0;
        if (!parse_timestamp(literal, ms))
            throw BadRequest{"The value " + literal + " for the attribute " + attr
                             + " is not a valid date or timestamp."};
        Val v;
        v.kind = kind;
        v.i = ms;
        return v;
    }
    case Kind::Int: {
        try {
            std::size_t used = 0;
            auto v = std::stoll(literal, &used);
            if (used == literal.size())
                return v_int(v);
        } catch (...) {
        }
        throw BadRequest{"The value " + literal + " for the attribute " + attr
                         + " is not a valid number."};
    }
    case Kind::Num: {
        try {
            std::size_t used = 0;
            auto v = std::stod(literal, &used);
            if (used == literal.size() && std::isfinite(v))
                return v_num(v);
        } catch (...) {
        }
        throw BadRequest{"The value " + literal + " for the attribute " + attr
                         + " is not a valid number."};
    }
    case Kind::Bool: {
        std::string l;
        for (char c : literal)
            l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        if (l == "true")
            return v_bool(true);
        if (l == "false")
            return v_bool(false);
        throw BadRequest{"The value " + literal + " for the attribute " + attr
                         + " is not a valid boolean."};
    }
    case Kind::Str:
    case Kind::Null:
        break;
    }
    return v_str(storage);
}

// ---------------------------------------------------------------------------------------
// q parser

namespace {

bool ident_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i]))
            != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

class Parser {
public:
    Parser(std::string_view text, int version) : t_(text), version_(version) {}

    Expr parse_v1()
    {
        // v1: `;`-separated comparisons, all of which must hold.
        Expr all;
        all.type = Expr::Type::And;
        std::size_t start = 0;
        bool quoted = false;
        for (std::size_t i = 0; i <= t_.size(); ++i) {
            if (i < t_.size() && t_[i] == '\'')
                quoted = !quoted;
            if (i == t_.size() || (!quoted && t_[i] == ';')) {
                Parser part(t_.substr(start, i - start), version_);
                all.children.push_back(part.parse_v1_comparison());
                start = i + 1;
            }
        }
        if (quoted)
            throw BadRequest{"The q parameter has an unterminated quoted value."};
        if (all.children.size() == 1)
            return all.children.front();
        return all;
    }

    Expr parse_v2()
    {
        bool quoted = false;
        for (char c : t_) {
            if (c == '\'')
                quoted = !quoted;
            if (!quoted && c == ';')
                throw BadRequest{
                    "The q parameter contains ';', which is REST framework version 1 syntax. Under "
                    "REST-Framework-Version 2 or later, join conditions with 'and' or 'or'."};
        }
        Expr e = parse_or();
        skip_ws();
        if (pos_ != t_.size())
            throw BadRequest{"The q parameter could not be parsed near '"
                             + std::string(t_.substr(pos_)) + "'."};
        return e;
    }

private:
    std::string_view t_;
    int version_;
    std::size_t pos_ = 0;
    std::string last_attr_;

    void skip_ws()
    {
        while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_])))
            ++pos_;
    }

    bool peek_word(std::string_view word)
    {
        skip_ws();
        if (pos_ + word.size() > t_.size())
            return false;
        if (!iequals(t_.substr(pos_, word.size()), word))
            return false;
        std::size_t after = pos_ + word.size();
        return after == t_.size() || !ident_char(t_[after]);
    }

    std::string parse_ident()
    {
        skip_ws();
        std::size_t start = pos_;
        while (pos_ < t_.size() && ident_char(t_[pos_]))
            ++pos_;
        if (pos_ == start)
            throw BadRequest{"The q parameter is missing an attribute name near '"
                             + std::string(t_.substr(start)) + "'."};
        return std::string(t_.substr(start, pos_ - start));
    }

    bool at_operator()
    {
        skip_ws();
        if (pos_ >= t_.size())
            return false;
        char c = t_[pos_];
        return c == '=' || c == '<' || c == '>' || c == '!';
    }

    Op parse_op()
    {
        skip_ws();
        auto rest = t_.substr(pos_);
        auto take = [&](std::size_t n, Op op) {
            pos_ += n;
            return op;
        };
        if (rest.starts_with("<="))
            return take(2, Op::Le);
        if (rest.starts_with(">="))
            return take(2, Op::Ge);
        if (rest.starts_with("!="))
            return take(2, Op::Ne);
        if (rest.starts_with("<>"))
            return take(2, Op::Ne);
        if (rest.starts_with("="))
            return take(1, Op::Eq);
        if (rest.starts_with("<"))
            return take(1, Op::Lt);
        if (rest.starts_with(">"))
            return take(1, Op::Gt);
        if (peek_word("LIKE"))
            return take(4, Op::Like);
        if (peek_word("between") || peek_word("in"))
            throw BadRequest{
                "The simulator does not support the between/in operators; use comparisons."};
        throw BadRequest{"The q parameter has no valid operator near '" + std::string(rest) + "'."};
    }

    std::string parse_quoted()
    {
        ++pos_; // opening quote
        std::string out;
        while (pos_ < t_.size()) {
            char c = t_[pos_++];
            if (c == '\'') {
                if (pos_ < t_.size() && t_[pos_] == '\'') {
                    out.push_back('\'');
                    ++pos_;
                    continue;
                }
                return out;
            }
            out.push_back(c);
        }
        throw BadRequest{"The q parameter has an unterminated quoted value."};
    }

    Expr parse_v1_comparison()
    {
        Expr e;
        e.cmp.attr = parse_ident();
        e.cmp.op = parse_op();
        skip_ws();
        if (pos_ < t_.size() && t_[pos_] == '\'') {
            e.cmp.literal = parse_quoted();
            skip_ws();
            if (pos_ != t_.size()) {
                if (peek_word("and") || peek_word("or"))
                    throw BadRequest{"The q parameter uses 'and'/'or', which are not operators "
                                     "under REST framework "
                                     "version 1. Separate conditions with ';', or send "
                                     "REST-Framework-Version: 2."};
                throw BadRequest{"The q parameter has unexpected text after a value: '"
                                 + std::string(t_.substr(pos_)) + "'."};
            }
        } else {
            auto rest = t_.substr(pos_);
            while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
                rest.remove_suffix(1);
            // A bare value with " and " / " or " in it is a v2 expression sent without the header.
            std::size_t i = 0;
            while (i < rest.size()) {
                while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i])))
                    ++i;
                std::size_t s = i;
                while (i < rest.size() && !std::isspace(static_cast<unsigned char>(rest[i])))
                    ++i;
                auto word = rest.substr(s, i - s);
                if (s > 0 && (iequals(word, "and") || iequals(word, "or")))
                    throw BadRequest{"The q parameter uses 'and'/'or', which are not operators "
                                     "under REST framework "
                                     "version 1. Separate conditions with ';', or send "
                                     "REST-Framework-Version: 2."};
            }
            e.cmp.literal = std::string(rest);
        }
        if (e.cmp.literal.empty() && t_.find('\'') == std::string_view::npos)
            throw BadRequest{"The q parameter has no value for the attribute " + e.cmp.attr + "."};
        return e;
    }

    Expr parse_or()
    {
        Expr left = parse_and();
        if (!peek_word("or"))
            return left;
        Expr any;
        any.type = Expr::Type::Or;
        any.children.push_back(std::move(left));
        while (peek_word("or")) {
            pos_ += 2;
            any.children.push_back(parse_and());
        }
        return any;
    }

    Expr parse_and()
    {
        Expr left = parse_factor();
        if (!peek_word("and"))
            return left;
        Expr all;
        all.type = Expr::Type::And;
        all.children.push_back(std::move(left));
        while (peek_word("and")) {
            pos_ += 3;
            if (at_operator() && !last_attr_.empty()) {
                // The documented shorthand `(Deptno>=10 and <= 30)` reuses the attribute.
                Expr e;
                e.cmp.attr = last_attr_;
                e.cmp.op = parse_op();
                e.cmp.literal = parse_value_v2();
                all.children.push_back(std::move(e));
            } else {
                all.children.push_back(parse_factor());
            }
        }
        return all;
    }

    Expr parse_factor()
    {
        skip_ws();
        if (pos_ < t_.size() && t_[pos_] == '(') {
            ++pos_;
            Expr e = parse_or();
            skip_ws();
            if (pos_ >= t_.size() || t_[pos_] != ')')
                throw BadRequest{"The q parameter has an unbalanced parenthesis."};
            ++pos_;
            return e;
        }
        Expr e;
        e.cmp.attr = parse_ident();
        last_attr_ = e.cmp.attr;
        e.cmp.op = parse_op();
        e.cmp.literal = parse_value_v2();
        return e;
    }

    std::string parse_value_v2()
    {
        skip_ws();
        if (pos_ < t_.size() && t_[pos_] == '\'')
            return parse_quoted();
        std::size_t start = pos_;
        while (pos_ < t_.size() && !std::isspace(static_cast<unsigned char>(t_[pos_]))
               && t_[pos_] != ')')
            ++pos_;
        if (pos_ == start)
            throw BadRequest{"The q parameter is missing a value."};
        return std::string(t_.substr(start, pos_ - start));
    }
};

std::vector<std::string> split_list(std::string_view s, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            auto part = s.substr(start, i - start);
            while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
                part.remove_prefix(1);
            while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
                part.remove_suffix(1);
            if (!part.empty())
                out.emplace_back(part);
            start = i + 1;
        }
    }
    return out;
}

std::int64_t parse_nonneg(const std::string& text, const char* name)
{
    try {
        std::size_t used = 0;
        auto v = std::stoll(text, &used);
        if (used == text.size() && v >= 0)
            return v;
    } catch (...) {
    }
    throw BadRequest{std::string("The value ") + text + " of the " + name
                     + " parameter is not a valid number."};
}

} // namespace

Expr parse_q(const std::string& q, int framework_version)
{
    Parser p(q, framework_version);
    return framework_version >= 2 ? p.parse_v2() : p.parse_v1();
}

Ctx make_ctx(const httplib::Request& req)
{
    Ctx ctx;
    if (req.has_header("REST-Framework-Version")) {
        auto v = req.get_header_value("REST-Framework-Version");
        if (v.size() != 1 || v[0] < '1' || v[0] > '9')
            throw BadRequest{"The REST-Framework-Version header value " + v + " is not supported."};
        ctx.version = v[0] - '0';
    }
    ctx.only_data = req.has_param("onlyData") && req.get_param_value("onlyData") == "true";
    if (req.has_param("fields")) {
        ctx.fields_mode = true;
        auto parts = split_list(req.get_param_value("fields"), ';');
        bool first = true;
        for (const auto& part : parts) {
            auto colon = part.find(':');
            if (colon == std::string::npos) {
                if (first)
                    ctx.fields[""] = split_list(part, ',');
                else
                    ctx.fields[part] = {};
            } else {
                ctx.fields[part.substr(0, colon)] =
                    split_list(std::string_view(part).substr(colon + 1), ',');
            }
            first = false;
        }
        // A child named in fields implies its parents.
        std::vector<std::string> paths;
        for (const auto& [path, _] : ctx.fields)
            paths.push_back(path);
        for (const auto& path : paths)
            for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
                ctx.fields.try_emplace(path.substr(0, dot));
    } else if (req.has_param("expand")) {
        for (const auto& e : split_list(req.get_param_value("expand"), ',')) {
            if (e == "all") {
                ctx.expand_all = true;
                continue;
            }
            ctx.expand.insert(e);
            for (auto dot = e.find('.'); dot != std::string::npos; dot = e.find('.', dot + 1))
                ctx.expand.insert(e.substr(0, dot));
        }
    }
    return ctx;
}

std::vector<OrderKey> parse_order_by(const std::string& text)
{
    std::vector<OrderKey> out;
    for (const auto& part : split_list(text, ',')) {
        OrderKey k;
        auto colon = part.find(':');
        k.attr = part.substr(0, colon);
        if (colon != std::string::npos) {
            auto dir = part.substr(colon + 1);
            if (iequals(dir, "desc"))
                k.desc = true;
            else if (!iequals(dir, "asc"))
                throw BadRequest{"The orderBy direction " + dir
                                 + " is not valid; use asc or desc."};
        }
        out.push_back(std::move(k));
    }
    return out;
}

Paging parse_paging(const httplib::Request& req)
{
    Paging p;
    if (req.has_param("limit")) {
        p.limit = parse_nonneg(req.get_param_value("limit"), "limit");
        if (p.limit < 1)
            throw BadRequest{"The value of the limit parameter must be at least 1."};
        p.limit = std::min<std::int64_t>(p.limit, 500); // silently capped, as the real server does
    }
    if (req.has_param("offset"))
        p.offset = parse_nonneg(req.get_param_value("offset"), "offset");
    p.total_results =
        req.has_param("totalResults") && req.get_param_value("totalResults") == "true";
    return p;
}

} // namespace mlc::sim::oq
