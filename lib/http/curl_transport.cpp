// The libcurl Transport: the one file in the project that includes curl.
#include "core/version.hpp"
#include "http/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace mlc::http {

bool is_loopback_host(std::string_view host)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::string lower(host);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "localhost" || lower == "localhost." || lower == "::1"
        || lower == "0:0:0:0:0:0:0:1") {
        return true;
    }
    // 127.0.0.0/8: four dotted decimal octets, the first 127.
    int octets = 0;
    std::size_t pos = 0;
    while (pos <= lower.size()) {
        const std::size_t dot = lower.find('.', pos);
        const std::string part =
            lower.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (part.empty() || part.size() > 3
            || !std::all_of(part.begin(), part.end(),
                            [](unsigned char c) { return std::isdigit(c); })
            || std::stoi(part) > 255) {
            return false;
        }
        if (octets == 0 && part != "127") {
            return false;
        }
        ++octets;
        if (dot == std::string::npos) {
            break;
        }
        pos = dot + 1;
    }
    return octets == 4;
}

namespace {

void global_init_once()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// RAII owners (the cpr CurlHolder habit): the easy handle lives as long as the transport so
// its connection cache keeps connections alive between requests.
struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlFree {
    void operator()(char* p) const { curl_free(p); }
};

TransportErrorKind classify(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return TransportErrorKind::connect;
    case CURLE_OPERATION_TIMEDOUT:
        return TransportErrorKind::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return TransportErrorKind::tls;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return TransportErrorKind::dropped;
    default:
        return TransportErrorKind::other;
    }
}

struct Exchange {
    Response response;
    std::size_t max_body = 0;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* exchange = static_cast<Exchange*>(user);
    const std::size_t n = size * count;
    if (exchange->response.body.size() + n > exchange->max_body) {
        exchange->too_large = true;
        return 0; // aborts the transfer with CURLE_WRITE_ERROR
    }
    exchange->response.body.append(data, n);
    return n;
}

std::string trim(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* exchange = static_cast<Exchange*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        // A new status line: an interim 100 Continue or a new response; keep only the last.
        exchange->response.headers.items.clear();
        return n;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) {
        exchange->response.headers.add(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return n;
}

TransportError refused(std::string message)
{
    return {TransportErrorKind::other, std::move(message)};
}

class CurlTransport final : public Transport {
public:
    explicit CurlTransport(TransportOptions options) : options_(std::move(options))
    {
        global_init_once();
        if (options_.user_agent.empty()) {
            options_.user_agent = std::string("ml-connector/") + k_version;
        }
        handle_.reset(curl_easy_init());
    }

    Outcome perform(const Request& request) override
    {
        std::lock_guard lock(mutex_);
        if (!handle_) {
            return refused("libcurl could not create a handle");
        }
        if (auto problem = check_url(request.url)) {
            return refused(*problem);
        }
        CURL* h = handle_.get();
        // Reset drops the previous request's options but keeps live connections (keep-alive).
        curl_easy_reset(h);

        Exchange exchange;
        exchange.max_body = options_.max_response_bytes;
        char error_buffer[CURL_ERROR_SIZE] = {};

        std::unique_ptr<curl_slist, SlistDeleter> header_list;
        auto append_header = [&](const std::string& line) {
            curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
            if (next != nullptr) {
                (void)header_list.release();
                header_list.reset(next);
            }
        };
        for (const auto& [name, value] : request.headers.items) {
            // "Name;" is curl's way to send a header with an empty value.
            append_header(value.empty() ? name + ";" : name + ": " + value);
        }
        if (!request.headers.get("Expect")) {
            append_header("Expect:"); // no 100-continue round trip for larger bodies
        }

        curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); // every encoding curl can decode
        curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(options_.connect_timeout.count()));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options_.ca_bundle.empty()) {
            curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
        }
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &exchange);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &exchange);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());

        const std::string& method = request.method;
        if (method == "GET") {
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        } else if (method == "HEAD") {
            curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        } else {
            if (method != "POST") {
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
            }
            // POSTFIELDS also for PUT/PATCH/DELETE bodies; the request outlives perform().
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        }

        const CURLcode code = curl_easy_perform(h);
        if (code != CURLE_OK) {
            if (exchange.too_large) {
                return refused("response body exceeds "
                               + std::to_string(options_.max_response_bytes) + " bytes from "
                               + request.url);
            }
            std::string message = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
            return TransportError{classify(code), message};
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        exchange.response.status = static_cast<int>(status);
        return std::move(exchange.response);
    }

private:
    // Only https, or http to loopback (the simulators); never a secret over plain text.
    static std::optional<std::string> check_url(const std::string& url)
    {
        std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
        if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
            return "malformed URL: " + url;
        }
        char* raw_scheme = nullptr;
        char* raw_host = nullptr;
        curl_url_get(parsed.get(), CURLUPART_SCHEME, &raw_scheme, 0);
        curl_url_get(parsed.get(), CURLUPART_HOST, &raw_host, 0);
        std::unique_ptr<char, CurlFree> scheme(raw_scheme);
        std::unique_ptr<char, CurlFree> host(raw_host);
        const std::string s = scheme ? scheme.get() : "";
        const std::string hst = host ? host.get() : "";
        if (s == "https") {
            return std::nullopt;
        }
        if (s == "http") {
            if (is_loopback_host(hst)) {
                return std::nullopt;
            }
            return "refusing plain http:// to non-loopback host " + hst
                   + " (use https://; http is only for local simulators)";
        }
        return "unsupported URL scheme '" + s + "' in " + url;
    }

    TransportOptions options_;
    std::mutex mutex_;
    std::unique_ptr<CURL, EasyDeleter> handle_;
};

} // namespace

std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options)
{
    return std::make_unique<CurlTransport>(options);
}

} // namespace mlc::http
