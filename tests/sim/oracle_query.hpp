#pragma once
// The Oracle REST framework's query machinery, generic over the simulator's record structs:
// attribute tables (name, JSON type, getter), the `q` filter language in its framework
// version 1 (`;` conjunctions) and version 2+ (`and`/`or`, parentheses) forms, `orderBy`,
// `fields`/`expand` item writing, and the collection envelope. Internal to the simulator.
#include "json_util.hpp"
#include "sim_core.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlc::sim::oq {

enum class Kind { Null, Bool, Int, Num, Str, Time, Date };

// One attribute value, borrowed from the record (strings are views into it or literals).
struct Val {
    Kind kind = Kind::Null;
    std::int64_t i = 0; // Int, Time (epoch ms), Date (epoch ms of midnight UTC)
    double d = 0;       // Num
    std::string_view s; // Str, Date (YYYY-MM-DD)
    bool b = false;     // Bool
};

inline Val v_null()
{
    return {};
}
inline Val v_int(std::int64_t i)
{
    return {Kind::Int, i, 0, {}, false};
}
inline Val v_num(double d)
{
    return {Kind::Num, 0, d, {}, false};
}
inline Val v_str(std::string_view s)
{
    return {Kind::Str, 0, 0, s, false};
}
inline Val v_str_or_null(const std::string& s)
{
    return s.empty() ? v_null() : v_str(s);
}
inline Val v_bool(bool b)
{
    return {Kind::Bool, 0, 0, {}, b};
}
inline Val v_time(std::int64_t ms)
{
    return {Kind::Time, ms, 0, {}, false};
}
inline Val v_date(const std::string& s)
{
    if (s.empty())
        return v_null();
    std::int64_t ms = 0;
    parse_timestamp(s, ms);
    return {Kind::Date, ms, 0, s, false};
}

void write_val(json::Writer& w, const Val& v);
int compare_vals(const Val& a, const Val& b); // total order; Null sorts first

// Thrown by parsers/validators; becomes a 400 with this text.
struct BadRequest {
    std::string message;
};

template <class T> struct Attr {
    std::string name;
    Kind kind;
    std::function<Val(const T&)> get;
    // Sets the attribute from JSON (for /_sim/mutate and PATCH); empty = read-only.
    std::function<bool(T&, const rapidjson::Value&)> set = {};
};

template <class T> struct Schema {
    std::vector<Attr<T>> attrs;
    int index_of(std::string_view name) const
    {
        for (std::size_t i = 0; i < attrs.size(); ++i)
            if (attrs[i].name == name)
                return static_cast<int>(i);
        return -1;
    }
};

// ---------------------------------------------------------------------------------------
// q filters

enum class Op { Eq, Ne, Lt, Gt, Le, Ge, Like };

struct Cmp {
    std::string attr;
    Op op = Op::Eq;
    std::string literal;
};

struct Expr {
    enum class Type { Cmp, And, Or } type = Type::Cmp;
    Cmp cmp;
    std::vector<Expr> children;
};

// Parses `q` under the given framework version; throws BadRequest.
Expr parse_q(const std::string& q, int framework_version);

// A comparison bound to an attribute, with its literal converted to the attribute's type.
template <class T> struct BoundExpr {
    Expr::Type type = Expr::Type::Cmp;
    const Attr<T>* attr = nullptr;
    Op op = Op::Eq;
    Val lit;
    std::string lit_storage;
    std::vector<BoundExpr> children;
};

bool like_match(std::string_view text, std::string_view pattern);
Val convert_literal(Kind kind, const std::string& attr, const std::string& literal,
                    std::string& storage);

template <class T> BoundExpr<T> bind(const Expr& e, const Schema<T>& schema)
{
    BoundExpr<T> b;
    b.type = e.type;
    if (e.type == Expr::Type::Cmp) {
        int idx = schema.index_of(e.cmp.attr);
        if (idx < 0)
            throw BadRequest{"The attribute " + e.cmp.attr
                             + " in the query is not valid for this resource."};
        b.attr = &schema.attrs[static_cast<std::size_t>(idx)];
        b.op = e.cmp.op;
        if (b.op == Op::Like && b.attr->kind != Kind::Str && b.attr->kind != Kind::Date)
            throw BadRequest{"The LIKE operator is not supported for the attribute " + e.cmp.attr
                             + "."};
        b.lit = convert_literal(b.attr->kind, e.cmp.attr, e.cmp.literal, b.lit_storage);
        if (b.lit.kind == Kind::Str || b.lit.kind == Kind::Date)
            b.lit.s = b.lit_storage;
        return b;
    }
    for (const auto& c : e.children)
        b.children.push_back(bind(c, schema));
    return b;
}

template <class T> bool eval(const BoundExpr<T>& e, const T& row)
{
    switch (e.type) {
    case Expr::Type::And:
        for (const auto& c : e.children)
            if (!eval(c, row))
                return false;
        return true;
    case Expr::Type::Or:
        for (const auto& c : e.children)
            if (eval(c, row))
                return true;
        return false;
    case Expr::Type::Cmp:
        break;
    }
    Val v = e.attr->get(row);
    if (v.kind == Kind::Null)
        return false; // SQL semantics: comparisons with null are never true
    Val lit = e.lit;
    if (lit.kind == Kind::Str || lit.kind == Kind::Date)
        lit.s = e.lit_storage; // the view may predate a move
    if (e.op == Op::Like)
        return like_match(v.s, lit.s);
    int c = compare_vals(v, lit);
    switch (e.op) {
    case Op::Eq:
        return c == 0;
    case Op::Ne:
        return c != 0;
    case Op::Lt:
        return c < 0;
    case Op::Gt:
        return c > 0;
    case Op::Le:
        return c <= 0;
    case Op::Ge:
        return c >= 0;
    case Op::Like:
        break;
    }
    return false;
}

// ---------------------------------------------------------------------------------------
// Request options and item writing

struct Ctx {
    int version = 1; // REST-Framework-Version
    bool only_data = false;
    bool fields_mode = false;
    std::map<std::string, std::vector<std::string>> fields; // "" = root, "lines" = child path
    std::set<std::string> expand; // child paths ("lines", "lines.schedules")
    bool expand_all = false;

    bool wants_child(const std::string& path) const
    {
        if (fields_mode)
            return fields.count(path) > 0;
        if (expand_all)
            return true;
        return expand.count(path) > 0;
    }
};

// Builds the Ctx from query params (fields, expand, onlyData) and the framework header.
Ctx make_ctx(const httplib::Request& req);

template <class T> struct ResourceDef;

template <class T> struct ChildDef {
    std::string name;
    // Writes the child rows (array, or a collection object under framework v3+).
    std::function<void(json::Writer&, const T&, const Ctx&, const std::string& href,
                       const std::string& path)>
        write;
    // Serves GET <item>/child/<name> as a collection.
    std::function<std::string(const T&, const httplib::Request&, const std::string& href)> serve;
};

template <class T> struct ResourceDef {
    std::string name;
    Schema<T> schema;
    std::function<std::string(const T&)> key; // item URL key
    std::vector<ChildDef<T>> children;
};

inline void write_link(json::Writer& w, std::string_view rel, const std::string& href,
                       std::string_view name, std::string_view kind)
{
    w.StartObject();
    w.Key("rel");
    json::write_string(w, rel);
    w.Key("href");
    json::write_string(w, href);
    w.Key("name");
    json::write_string(w, name);
    w.Key("kind");
    json::write_string(w, kind);
    w.EndObject();
}

template <class T>
void write_item(json::Writer& w, const ResourceDef<T>& def, const T& row, const Ctx& ctx,
                const std::string& href, const std::string& path)
{
    w.StartObject();
    const std::vector<std::string>* only = nullptr;
    if (ctx.fields_mode) {
        auto it = ctx.fields.find(path);
        if (it != ctx.fields.end() && !it->second.empty())
            only = &it->second;
    }
    if (only) {
        for (const auto& name : *only) {
            int idx = def.schema.index_of(name);
            if (idx < 0)
                continue; // validated up front for the root
            const auto& a = def.schema.attrs[static_cast<std::size_t>(idx)];
            json::key(w, a.name);
            write_val(w, a.get(row));
        }
    } else {
        for (const auto& a : def.schema.attrs) {
            json::key(w, a.name);
            write_val(w, a.get(row));
        }
    }
    for (const auto& child : def.children) {
        std::string child_path = path.empty() ? child.name : path + "." + child.name;
        if (!ctx.wants_child(child_path))
            continue;
        json::key(w, child.name);
        child.write(w, row, ctx, href + "/child/" + child.name, child_path);
    }
    if (!ctx.only_data) {
        w.Key("links");
        w.StartArray();
        write_link(w, "self", href, def.name, "item");
        write_link(w, "canonical", href, def.name, "item");
        for (const auto& child : def.children)
            write_link(w, "child", href + "/child/" + child.name, child.name, "collection");
        w.EndArray();
    }
    w.EndObject();
}

// Writes nested child rows: a bare array (framework < 3) or a collection object (>= 3).
template <class C>
void write_children(json::Writer& w, const ResourceDef<C>& def, const std::vector<C>& rows,
                    const Ctx& ctx, const std::string& href, const std::string& path)
{
    if (ctx.version >= 3) {
        w.StartObject();
        w.Key("items");
    }
    w.StartArray();
    for (const auto& r : rows)
        write_item(w, def, r, ctx, href + "/" + def.key(r), path);
    w.EndArray();
    if (ctx.version >= 3) {
        w.Key("count");
        w.Int64(static_cast<std::int64_t>(rows.size()));
        w.Key("hasMore");
        w.Bool(false);
        w.Key("limit");
        w.Int64(25);
        w.Key("offset");
        w.Int64(0);
        if (!ctx.only_data) {
            w.Key("links");
            w.StartArray();
            write_link(w, "self", href, def.name, "collection");
            w.EndArray();
        }
        w.EndObject();
    }
}

// Validates fields= against the schema (root level): unknown -> BadRequest.
template <class T> void check_fields(const ResourceDef<T>& def, const Ctx& ctx)
{
    auto it = ctx.fields.find("");
    if (it == ctx.fields.end())
        return;
    for (const auto& f : it->second)
        if (def.schema.index_of(f) < 0)
            throw BadRequest{"The attribute " + f
                             + " in the fields parameter is not valid for this resource."};
}

template <class T> void check_expand(const ResourceDef<T>& def, const Ctx& ctx)
{
    for (const auto& e : ctx.expand) {
        auto top = e.substr(0, e.find('.'));
        bool known = std::any_of(def.children.begin(), def.children.end(),
                                 [&](const auto& c) { return c.name == top; });
        if (!known)
            throw BadRequest{"The child " + top
                             + " in the expand parameter is not valid for this resource."};
    }
}

struct OrderKey {
    std::string attr;
    bool desc = false;
};

std::vector<OrderKey> parse_order_by(const std::string& text);

struct Paging {
    std::int64_t limit = 25;
    std::int64_t offset = 0;
    bool total_results = false;
};

Paging parse_paging(const httplib::Request& req); // throws BadRequest

// Selects, orders and pages `rows` (given in the collection's natural order, which is
// `natural`), then writes the collection envelope.
template <class T>
std::string serve_collection(const ResourceDef<T>& def, const std::vector<const T*>& rows,
                             const std::vector<OrderKey>& natural, const httplib::Request& req,
                             const std::string& href)
{
    Ctx ctx = make_ctx(req);
    check_fields(def, ctx);
    if (!ctx.fields_mode)
        check_expand(def, ctx);
    Paging paging = parse_paging(req);

    std::unique_ptr<BoundExpr<T>> filter;
    if (req.has_param("q")) {
        auto q = req.get_param_value("q");
        if (!q.empty())
            filter = std::make_unique<BoundExpr<T>>(bind(parse_q(q, ctx.version), def.schema));
    }
    std::vector<OrderKey> order;
    if (req.has_param("orderBy"))
        order = parse_order_by(req.get_param_value("orderBy"));
    std::vector<const Attr<T>*> order_attrs;
    for (const auto& k : order) {
        int idx = def.schema.index_of(k.attr);
        if (idx < 0)
            throw BadRequest{"The attribute " + k.attr
                             + " in the orderBy parameter is not valid for this resource."};
        order_attrs.push_back(&def.schema.attrs[static_cast<std::size_t>(idx)]);
    }
    // The natural order already satisfies an orderBy that is a prefix of it (all ascending).
    bool natural_ok = order.size() <= natural.size();
    for (std::size_t i = 0; natural_ok && i < order.size(); ++i)
        natural_ok = !order[i].desc && order[i].attr == natural[i].attr;

    const auto want = static_cast<std::size_t>(paging.offset + paging.limit);
    std::vector<const T*> matched;
    std::size_t total = 0;
    std::size_t first = 0;
    // Fast path for the incremental-polling shape: q is one `>=`/`>` on the leading natural key
    // (LastUpdateDate), so every row from the binary-searched bound on matches, in order.
    if (natural_ok && filter && filter->type == Expr::Type::Cmp && !natural.empty()
        && filter->attr->name == natural.front().attr
        && (filter->op == Op::Ge || filter->op == Op::Gt)) {
        auto bound = std::partition_point(rows.begin(), rows.end(),
                                          [&](const T* r) { return !eval(*filter, *r); });
        first = static_cast<std::size_t>(bound - rows.begin());
        total = rows.size() - first;
        const auto skip = std::min<std::size_t>(static_cast<std::size_t>(paging.offset), total);
        matched.assign(static_cast<std::size_t>(paging.offset),
                       nullptr); // placeholders, never written
        matched.resize(skip);
        const auto stop = std::min(rows.size(), first + want + 1);
        for (std::size_t i = first + skip; i < stop; ++i)
            matched.push_back(rows[i]);
        filter.reset();
        first = rows.size(); // the scan below is done
    }
    for (std::size_t ri = first; ri < rows.size(); ++ri) {
        const T* r = rows[ri];
        if (filter && !eval(*filter, *r))
            continue;
        ++total;
        if (natural_ok && !paging.total_results && matched.size() > want)
            break; // enough for hasMore
        matched.push_back(r);
    }
    if (!natural_ok) {
        // Precompute the sort keys once (flat); the natural position breaks ties, so the
        // order is total and a partial sort of the first `want` rows is enough.
        const std::size_t nk = order_attrs.size();
        std::vector<Val> keys(matched.size() * nk);
        for (std::size_t i = 0; i < matched.size(); ++i)
            for (std::size_t k = 0; k < nk; ++k)
                keys[i * nk + k] = order_attrs[k]->get(*matched[i]);
        std::vector<std::size_t> idx(matched.size());
        for (std::size_t i = 0; i < idx.size(); ++i)
            idx[i] = i;
        auto less = [&](std::size_t a, std::size_t b) {
            for (std::size_t k = 0; k < nk; ++k) {
                int c = compare_vals(keys[a * nk + k], keys[b * nk + k]);
                if (c != 0)
                    return order[k].desc ? c > 0 : c < 0;
            }
            return a < b;
        };
        const std::size_t upto = std::min(idx.size(), want + 1);
        if (upto < idx.size())
            std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(upto),
                              idx.end(), less);
        else
            std::sort(idx.begin(), idx.end(), less);
        std::vector<const T*> sorted;
        sorted.reserve(matched.size());
        for (auto i : idx)
            sorted.push_back(matched[i]);
        matched.swap(sorted);
    }
    const auto begin = std::min(static_cast<std::size_t>(paging.offset), matched.size());
    const auto end = std::min(want, matched.size());
    const bool has_more = matched.size() > end;

    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (std::size_t i = begin; i < end; ++i)
        write_item(w, def, *matched[i], ctx, href + "/" + def.key(*matched[i]), "");
    w.EndArray();
    if (paging.total_results) {
        w.Key("totalResults");
        w.Int64(static_cast<std::int64_t>(total));
    }
    w.Key("count");
    w.Int64(static_cast<std::int64_t>(end - begin));
    w.Key("hasMore");
    w.Bool(has_more);
    w.Key("limit");
    w.Int64(paging.limit);
    w.Key("offset");
    w.Int64(paging.offset);
    w.Key("links");
    w.StartArray();
    write_link(w, "self", href, def.name, "collection");
    w.EndArray();
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

template <class T>
std::string serve_item(const ResourceDef<T>& def, const T& row, const httplib::Request& req,
                       const std::string& href)
{
    Ctx ctx = make_ctx(req);
    check_fields(def, ctx);
    if (!ctx.fields_mode)
        check_expand(def, ctx);
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    write_item(w, def, row, ctx, href, "");
    return {buf.GetString(), buf.GetSize()};
}

// Renders rows as a plain JSON array with every child expanded and no links (admin API).
template <class T>
void dump_rows(json::Writer& w, const ResourceDef<T>& def, const std::vector<T>& rows)
{
    Ctx ctx;
    ctx.only_data = true;
    ctx.expand_all = true;
    w.StartArray();
    for (const auto& r : rows)
        write_item(w, def, r, ctx, "", "");
    w.EndArray();
}

} // namespace mlc::sim::oq
