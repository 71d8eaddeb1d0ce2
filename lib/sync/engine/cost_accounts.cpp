#include "sync/engine/cost_accounts.hpp"

#include "oracle/account_combinations.hpp"
#include "sync/engine/errors.hpp"

#include <fmt/format.h>

namespace mlc::engine {

const std::map<std::int64_t, procore::ProjectCostCode>& ProjectCostCodes::of(std::int64_t project)
{
    auto it = cache_.find(project);
    if (it != cache_.end()) {
        recent_.remove(project);
        recent_.push_front(project);
        return it->second;
    }
    if (cache_.size() >= k_projects) {
        cache_.erase(recent_.back());
        recent_.pop_back();
    }
    auto got = api_.project_cost_codes(project);
    if (!got) {
        stop("procore", "reading the cost codes of project " + std::to_string(project),
             got.error());
    }
    std::map<std::int64_t, procore::ProjectCostCode> by_id;
    for (auto& cc : *got) {
        by_id.emplace(cc.id, std::move(cc));
    }
    it = cache_.emplace(project, std::move(by_id)).first;
    recent_.push_front(project);
    return it->second;
}

std::vector<std::string> split_account(const std::string& account, char delimiter)
{
    std::vector<std::string> out;
    std::string seg;
    for (const char ch : account) {
        if (ch == delimiter) {
            out.push_back(seg);
            seg.clear();
        } else {
            seg += ch;
        }
    }
    out.push_back(seg);
    return out;
}

std::string join_account(const std::vector<std::string>& segments, char delimiter)
{
    std::string out;
    for (const auto& s : segments) {
        if (!out.empty()) {
            out += delimiter;
        }
        out += s;
    }
    return out;
}

CostCodeAccount CostAccounts::of(std::int64_t project, std::int64_t cost_code_id)
{
    const auto& codes = codes_.of(project);
    CostCodeAccount out;
    const auto it = codes.find(cost_code_id);
    if (it == codes.end()) {
        out.error =
            fmt::format("cost code {} is not a cost code of project {}", cost_code_id, project);
        return out;
    }
    return of_code(it->second);
}

CostCodeAccount CostAccounts::of(std::int64_t project, const procore::ProjectCostCode& inline_code)
{
    const bool enough = (!inline_code.full_code.empty()
                         && mapping_.cost_code_accounts.contains(inline_code.full_code))
                        || inline_code.standard_cost_code_id != 0
                        || (!inline_code.origin_id.empty()
                            && links_.find_by_oracle("cost_code", inline_code.origin_id));
    if (!enough) {
        return of(project, inline_code.id);
    }
    return of_code(inline_code);
}

CostCodeAccount CostAccounts::of_code(const procore::ProjectCostCode& cc)
{
    CostCodeAccount out;
    out.code = cc.full_code;
    // 1. Named in mapping.cost_codes.accounts (cost codes that did not come from Oracle).
    if (const auto a = mapping_.cost_code_accounts.find(cc.full_code);
        a != mapping_.cost_code_accounts.end()) {
        out.segments = split_account(a->second, mapping_.chart.delimiter);
        return out;
    }
    // 2. Made by sync-suppliers: the standard cost code it was copied from is linked to the GL
    //    combination (or the project code carries the combination id itself).
    std::optional<std::int64_t> combination;
    if (cc.standard_cost_code_id != 0) {
        if (const auto link =
                links_.find_by_procore("cost_code", std::to_string(cc.standard_cost_code_id));
            link && link->oracle_key) {
            combination = std::stoll(*link->oracle_key);
        }
    }
    if (!combination && !cc.origin_id.empty() && links_.find_by_oracle("cost_code", cc.origin_id)) {
        combination = std::stoll(cc.origin_id);
    }
    if (!combination) {
        out.error = fmt::format(
            "cost code {} has no GL account: it did not come from Oracle (sync-suppliers) and "
            "mapping.cost_codes.accounts does not name it",
            cc.full_code.empty() ? std::to_string(cc.id) : cc.full_code);
        return out;
    }
    auto seg = combinations_.find(*combination);
    if (seg == combinations_.end()) {
        std::vector<std::string> segments;
        auto read = oracle::read_account_combinations_by_id(
            oracle_, {*combination}, mapping_.chart.segments, [&](oracle::AccountPage& page) {
                for (const auto& a : page.accounts) {
                    if (a.id == *combination) {
                        for (const auto& s : a.segments) {
                            segments.push_back(s);
                        }
                        while (!segments.empty() && segments.back().empty()) {
                            segments.pop_back();
                        }
                    }
                }
                return true;
            });
        if (!read) {
            stop("oracle", "reading GL account " + std::to_string(*combination), read.error());
        }
        seg = combinations_.emplace(*combination, std::move(segments)).first;
    }
    if (seg->second.empty()) {
        out.error = fmt::format("cost code {} maps to GL account {}, which Oracle does not have",
                                cc.full_code, *combination);
        return out;
    }
    out.segments = seg->second;
    return out;
}

} // namespace mlc::engine
