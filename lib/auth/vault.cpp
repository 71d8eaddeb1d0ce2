#include "auth/vault.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace mlc::auth {
namespace {

constexpr const char* k_header = "ml-connector-vault 1";
constexpr const char* k_key_env = "ML_CONNECTOR_KEY";

void ensure_sodium()
{
    static const int ok = sodium_init();
    if (ok < 0) {
        throw Fatal(ExitCode::usage, "credentials: libsodium failed to initialise");
    }
}

std::string to_base64(const unsigned char* data, std::size_t size)
{
    std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<std::vector<unsigned char>> from_base64(std::string_view text)
{
    std::vector<unsigned char> out(text.size());
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                          sodium_base64_VARIANT_ORIGINAL)
            != 0
        || end != text.data() + text.size()) {
        return std::nullopt;
    }
    out.resize(length);
    return out;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
        s.remove_suffix(1);
    }
    return s;
}

std::string errno_text()
{
    return std::strerror(errno);
}

// Writes `data` to `path` via a temporary file: write, fsync, rename, fsync the folder, so a
// crash leaves either the old file or the new one, never a torn one.
void write_atomically(const std::filesystem::path& path, const std::string& data)
{
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    const auto tmp = std::filesystem::path(path.string() + fmt::format(".tmp.{}", ::getpid()));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: cannot write {}: {}", tmp.string(), errno_text()),
                    "the state folder must be writable by this user");
    }
    std::size_t done = 0;
    bool ok = ::fchmod(fd, 0600) == 0;
    while (ok && done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        ok = n > 0;
        done += ok ? static_cast<std::size_t>(n) : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    const std::string why = ok ? std::string() : errno_text();
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = ok ? errno_text() : why;
        ::unlink(tmp.c_str());
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: cannot write {}: {}", path.string(), reason),
                    "check free space and permissions in the state folder");
    }
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

// The vault file: a header line, then "<name> <base64(nonce || secretbox(name \n secret))>" per
// line. The name inside the ciphertext stops an entry from being moved under another name.
std::map<std::string, std::string> read_entries(const std::filesystem::path& path)
{
    std::map<std::string, std::string> entries;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (std::filesystem::exists(path)) {
            throw Fatal(ExitCode::usage, fmt::format("credentials: cannot read {}", path.string()),
                        "check the vault file's permissions");
        }
        return entries;
    }
    std::string line;
    if (!std::getline(in, line) || line != k_header) {
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: {} is not an ml-connector vault", path.string()),
                    "restore it, or remove it and run `ml-connector creds set` again");
    }
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto space = line.find(' ');
        if (space == std::string::npos) {
            throw Fatal(ExitCode::usage, fmt::format("credentials: {} is damaged", path.string()),
                        "restore it, or remove it and run `ml-connector creds set` again");
        }
        entries[line.substr(0, space)] = line.substr(space + 1);
    }
    return entries;
}

} // namespace

void require_secret_name(const std::string& name)
{
    if (std::ranges::find(k_secret_names, name) == k_secret_names.end()) {
        throw UsageError(fmt::format("credentials: unknown secret name \"{}\"", name),
                         "use oracle, procore or webhook");
    }
}

VaultKey::~VaultKey()
{
    sodium_memzero(bytes_.data(), bytes_.size());
}

VaultKey key_from_base64(std::string_view text, const std::string& source)
{
    ensure_sodium();
    const auto bytes = from_base64(trim(text));
    if (!bytes || bytes->size() != VaultKey::size) {
        throw Fatal(
            ExitCode::usage,
            fmt::format("credentials: {} is not a valid key: expected base64 of exactly 32 bytes",
                        source),
            "create one with `ml-connector init`, or `head -c 32 /dev/urandom | base64`");
    }
    std::array<unsigned char, VaultKey::size> raw{};
    std::copy(bytes->begin(), bytes->end(), raw.begin());
    VaultKey key(raw);
    sodium_memzero(raw.data(), raw.size());
    return key;
}

VaultKey read_key_file(const std::filesystem::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: no vault key: {} is not set and {} does not exist",
                                k_key_env, path.string()),
                    "run ml-connector init to create the key file, or set ML_CONNECTOR_KEY");
    }
    if ((st.st_mode & 077) != 0) {
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: key file {} is accessible by others (mode {:04o})",
                                path.string(), st.st_mode & 07777),
                    fmt::format("chmod 600 {}", path.string()));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: cannot read key file {}", path.string()),
                    "check its owner and permissions");
    }
    std::string content = text.str();
    auto key = key_from_base64(content, "key file " + path.string());
    sodium_memzero(content.data(), content.size());
    return key;
}

std::optional<std::filesystem::path> systemd_credential_key_file()
{
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0') {
        return std::nullopt;
    }
    std::filesystem::path path = std::filesystem::path(dir) / k_credential_key_name;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::nullopt;
    }
    return path;
}

VaultKey load_vault_key(const Config& config)
{
    if (const char* env = std::getenv(k_key_env); env != nullptr && *env != '\0') {
        return key_from_base64(env, k_key_env);
    }
    if (const auto credential = systemd_credential_key_file(); credential) {
        return read_key_file(*credential);
    }
    return read_key_file(config.state.key_file);
}

void create_key_file(const std::filesystem::path& path, bool replace)
{
    ensure_sodium();
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL);
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            throw Fatal(ExitCode::usage,
                        fmt::format("credentials: key file {} already exists", path.string()),
                        "keep it: the vault is encrypted with it");
        }
        throw Fatal(ExitCode::usage, fmt::format("credentials: cannot create key file {}: {}",
                                                 path.string(), errno_text()));
    }
    std::array<unsigned char, VaultKey::size> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::string text = to_base64(raw.data(), raw.size()) + "\n";
    sodium_memzero(raw.data(), raw.size());
    const bool ok = ::fchmod(fd, 0600) == 0
                    && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
                    && ::fsync(fd) == 0;
    const std::string why = ok ? std::string() : errno_text();
    sodium_memzero(text.data(), text.size());
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: cannot write key file {}: {}", path.string(), why));
    }
}

std::filesystem::path vault_path(const Config& config)
{
    return config.state.path.parent_path() / "credentials.vault";
}

Vault::Vault(std::filesystem::path path, VaultKey key)
    : path_(std::move(path)), key_(std::move(key))
{
    ensure_sodium();
}

void Vault::set(const std::string& name, const Secret& secret)
{
    require_secret_name(name);
    auto entries = read_entries(path_);
    // One vault, one key: storing under a key that cannot open what is there already would leave
    // a vault no key opens whole (the replaced entry too: a wrong key is a mistake to stop at).
    for (const auto& [stored, value] : entries) {
        if (!opens(stored)) {
            throw Fatal(ExitCode::usage,
                        fmt::format("credentials: the vault {} holds the {} secret under another "
                                    "key; refusing to store {} under this one",
                                    path_.string(), stored, name),
                        "use the key the vault was written with (ML_CONNECTOR_KEY or "
                        "state.key_file), or move the vault aside to start a new one");
        }
    }

    std::string plain = name + "\n" + secret.reveal();
    std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES
                                   + plain.size());
    unsigned char* nonce = box.data();
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                          key_.data());
    sodium_memzero(plain.data(), plain.size());
    entries[name] = to_base64(box.data(), box.size());

    std::string text = std::string(k_header) + "\n";
    for (const auto& [n, value] : entries) {
        text += n + " " + value + "\n";
    }
    write_atomically(path_, text);
}

std::optional<Secret> Vault::get(const std::string& name) const
{
    require_secret_name(name);
    const auto entries = read_entries(path_);
    const auto it = entries.find(name);
    if (it == entries.end()) {
        return std::nullopt;
    }
    const auto box = from_base64(it->second);
    if (!box || box->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: entry {} in {} is damaged", name, path_.string()),
                    fmt::format("store it again: ml-connector creds set {} < secret.txt", name));
    }
    const std::size_t cipher_size = box->size() - crypto_secretbox_NONCEBYTES;
    std::string plain(cipher_size - crypto_secretbox_MACBYTES, '\0');
    const bool opened = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                                   box->data() + crypto_secretbox_NONCEBYTES,
                                                   cipher_size, box->data(), key_.data())
                        == 0;
    const std::string prefix = name + "\n";
    if (!opened || !plain.starts_with(prefix)) {
        sodium_memzero(plain.data(), plain.size());
        throw Fatal(ExitCode::usage,
                    fmt::format("credentials: cannot decrypt {} with this key", name),
                    "is ML_CONNECTOR_KEY / the key file the one used by `creds set`?");
    }
    Secret secret(plain.substr(prefix.size()));
    sodium_memzero(plain.data(), plain.size());
    return secret;
}

bool Vault::opens(const std::string& name) const
{
    try {
        return get(name).has_value();
    } catch (const Fatal&) {
        return false;
    }
}

std::vector<std::string> Vault::names() const
{
    return names_at(path_);
}

std::vector<std::string> Vault::names_at(const std::filesystem::path& path)
{
    std::vector<std::string> out;
    for (const auto& [name, value] : read_entries(path)) {
        out.push_back(name);
    }
    return out;
}

} // namespace mlc::auth
