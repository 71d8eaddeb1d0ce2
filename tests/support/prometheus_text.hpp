#pragma once
// A strict reader of the Prometheus text exposition format for the metrics tests: every line
// must be a HELP, a TYPE or a sample of the family the HELP and TYPE just named, label values
// escaped as the format requires. Returns the samples, or the first bad line.
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace mlc::test {

struct PromSample {
    std::string name;
    std::map<std::string, std::string> labels; // unescaped values
    double value = 0;
};

struct PromParse {
    std::vector<PromSample> samples;
    std::string error; // empty when every line is valid

    // The samples of `name` whose labels include every one of `labels`.
    std::vector<PromSample> find(const std::string& name,
                                 const std::map<std::string, std::string>& labels = {}) const
    {
        std::vector<PromSample> out;
        for (const auto& s : samples) {
            if (s.name != name) {
                continue;
            }
            bool all = true;
            for (const auto& [k, v] : labels) {
                const auto it = s.labels.find(k);
                all = all && it != s.labels.end() && it->second == v;
            }
            if (all) {
                out.push_back(s);
            }
        }
        return out;
    }
};

inline PromParse parse_prometheus_text(const std::string& text)
{
    static const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (?:[^\\\n]|\\[\\n])*$)");
    static const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|untyped)$)");
    static const std::regex sample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*)\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$)");
    static const std::regex label(R"(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)\")");
    PromParse out;
    if (text.empty() || text.back() != '\n') {
        out.error = "the text does not end with a newline";
        return out;
    }
    std::string helped;
    std::string typed;
    std::map<std::string, int> seen_families;
    std::size_t start = 0;
    for (std::size_t end = text.find('\n'); end != std::string::npos;
         start = end + 1, end = text.find('\n', start)) {
        const std::string line = text.substr(start, end - start);
        std::smatch m;
        if (std::regex_match(line, m, help)) {
            helped = m[1];
            typed.clear();
            if (++seen_families[helped] > 1) {
                out.error = "family described twice: " + line;
                return out;
            }
        } else if (std::regex_match(line, m, type)) {
            if (m[1] != helped) {
                out.error = "TYPE without its HELP: " + line;
                return out;
            }
            typed = m[1];
        } else if (std::regex_match(line, m, sample)) {
            if (m[1] != typed) {
                out.error = "sample outside its family: " + line;
                return out;
            }
            PromSample s;
            s.name = m[1];
            s.value = std::stod(m[3]);
            const std::string labels = m[2];
            for (std::sregex_iterator it(labels.begin(), labels.end(), label), stop; it != stop;
                 ++it) {
                std::string value;
                const std::string raw = (*it)[2];
                for (std::size_t i = 0; i < raw.size(); ++i) {
                    if (raw[i] == '\\' && i + 1 < raw.size()) {
                        ++i;
                        value += raw[i] == 'n' ? '\n' : raw[i];
                    } else {
                        value += raw[i];
                    }
                }
                s.labels[(*it)[1]] = value;
            }
            out.samples.push_back(std::move(s));
        } else {
            out.error = "not exposition format: " + line;
            return out;
        }
    }
    return out;
}

} // namespace mlc::test
