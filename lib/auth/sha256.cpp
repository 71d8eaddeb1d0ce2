#include "auth/sha256.hpp"

#include <openssl/evp.h>

#include <new>
#include <stdexcept>

namespace mlc {
namespace {

// The digest, fetched once. OpenSSL's SHA-256 uses the CPU's SHA extensions where it has them,
// which matters here: the audit chain and the content fingerprints hash a few hundred bytes
// per record, and libsodium's portable C took a third of a 20,000-supplier first sync.
const EVP_MD* sha256_md()
{
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) {
        throw std::runtime_error("OpenSSL has no SHA-256 digest");
    }
    return md;
}

EVP_MD_CTX* context(void* handle)
{
    return static_cast<EVP_MD_CTX*>(handle);
}

} // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new())
{
    if (ctx_ == nullptr || EVP_DigestInit_ex2(context(ctx_), sha256_md(), nullptr) != 1) {
        EVP_MD_CTX_free(context(ctx_));
        throw std::bad_alloc();
    }
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(context(ctx_));
}

void Sha256::update(std::string_view data)
{
    EVP_DigestUpdate(context(ctx_), data.data(), data.size());
}

Sha256::Digest Sha256::finish()
{
    Digest out{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(context(ctx_), out.data(), &n);
    return out;
}

std::string to_hex(const Sha256::Digest& digest)
{
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out(digest.size() * 2, '\0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        out[2 * i] = k_digits[digest[i] >> 4];
        out[2 * i + 1] = k_digits[digest[i] & 0x0f];
    }
    return out;
}

std::string sha256_hex(std::string_view data)
{
    Sha256::Digest out{};
    unsigned int n = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &n, sha256_md(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return to_hex(out);
}

} // namespace mlc
