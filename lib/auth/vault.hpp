#pragma once
// The credentials vault: client secrets and the webhook secret, each encrypted with libsodium
// secretbox (XSalsa20-Poly1305) under a random nonce, in one 0600 file in the state folder.
// The 32-byte key comes from ML_CONNECTOR_KEY (base64) or the 0600 key file that `init`
// creates. A wrong key is a Fatal, never garbage: secretbox authenticates what it decrypts.
// libsodium's one home is lib/auth: vault.cpp, and sha256.cpp for the plain digest.
#include "core/config.hpp"
#include "core/secret.hpp"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::auth {

// The names a secret may be stored under.
inline constexpr std::array<const char*, 3> k_secret_names = {"oracle", "procore", "webhook"};
// Throws UsageError unless `name` is one of k_secret_names.
void require_secret_name(const std::string& name);

// 32 key bytes, wiped when destroyed.
class VaultKey {
public:
    static constexpr std::size_t size = 32;
    explicit VaultKey(const std::array<unsigned char, size>& bytes) : bytes_(bytes) {}
    VaultKey(const VaultKey&) = default;
    VaultKey& operator=(const VaultKey&) = default;
    ~VaultKey();
    const unsigned char* data() const { return bytes_.data(); }

private:
    std::array<unsigned char, size> bytes_;
};

// Decodes base64 of exactly 32 bytes (surrounding whitespace ignored). On anything else throws
// Fatal(usage) naming `source` ("ML_CONNECTOR_KEY", "key file /x") but never the value.
VaultKey key_from_base64(std::string_view text, const std::string& source);
// Reads a key file, refusing one readable or writable by group or others (hint: chmod 600).
VaultKey read_key_file(const std::filesystem::path& path);
// The name of the systemd credential that carries the key to a service
// (LoadCredential=vault.key:/etc/ml-connector/vault.key in the packaged units).
inline constexpr const char* k_credential_key_name = "vault.key";
// $CREDENTIALS_DIRECTORY/vault.key when systemd passed that credential; nullopt otherwise.
std::optional<std::filesystem::path> systemd_credential_key_file();
// ML_CONNECTOR_KEY when set and non-empty, else the systemd credential vault.key when the
// service was given one, else the key file named by state.key_file.
VaultKey load_vault_key(const Config& config);
// Writes 32 random bytes, base64, to a new 0600 file (for `init`). Refuses an existing file
// unless `replace` (a replaced key cannot open secrets stored under the old one).
void create_key_file(const std::filesystem::path& path, bool replace = false);

// "<folder of state.path>/credentials.vault".
std::filesystem::path vault_path(const Config& config);

class Vault {
public:
    Vault(std::filesystem::path path, VaultKey key);

    // Encrypts and stores, replacing an existing entry; the file is rewritten atomically. Refused
    // (Fatal, exit 2) when an entry already there does not open with this key.
    void set(const std::string& name, const Secret& secret);
    // Whether the entry exists and opens with this key (for `creds list`; never its value).
    bool opens(const std::string& name) const;
    // nullopt when no entry; Fatal "credentials: cannot decrypt <name> with this key" when the
    // key is not the one the entry was stored with.
    std::optional<Secret> get(const std::string& name) const;
    // Names with an entry, sorted.
    std::vector<std::string> names() const;
    // The same for the vault at `path`, without a key: the names are not secret.
    static std::vector<std::string> names_at(const std::filesystem::path& path);
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    VaultKey key_;
};

} // namespace mlc::auth
