#pragma once
// SHA-256 for the audit chain, content fingerprints and batch keys: a plain digest for tamper
// evidence and change detection, not for passwords or keys. It is OpenSSL's (libcrypto, the
// library our libcurl already uses for TLS), which runs on the CPU's SHA extensions: hashing is
// per record, so it counts. It lives in auth/, the one folder that includes cryptography
// libraries (libsodium for the vault, libcrypto for this); this header includes neither.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mlc {

class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;

    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    // Feed bytes; may be called any number of times before finish().
    void update(std::string_view data);
    // Pads and returns the digest. The object must not be updated afterwards.
    Digest finish();

private:
    void* ctx_; // an EVP_MD_CTX
};

// The lowercase hex digest of `data` (64 characters).
std::string sha256_hex(std::string_view data);
std::string to_hex(const Sha256::Digest& digest);

} // namespace mlc
