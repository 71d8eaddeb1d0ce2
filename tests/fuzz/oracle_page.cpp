// Fuzz target: one response body through every Oracle Fusion parser, as the client reads what a
// pod (or anything answering in its place) sends: the collection envelope (items, hasMore,
// limit, offset), the pages and items of suppliers, account combinations (with the default and
// with configured segment names), purchase orders, Payables invoices, invoice payments, journal
// batches and period statuses, and what the outbox reads back from a stored invoice request or
// correction. Any body gives a page or an error saying why.
#include "fuzz_target.hpp"
#include "oracle/account_combinations.hpp"
#include "oracle/invoices.hpp"
#include "oracle/journals.hpp"
#include "oracle/mapping.hpp"
#include "oracle/payments.hpp"
#include "oracle/purchase_orders.hpp"
#include "oracle/suppliers.hpp"

#include <string>
#include <vector>

namespace {

// Every parser returns a value or an error; an error must say something.
template <class Result> void checked(const Result& result)
{
    if (!result) {
        mlc::fuzz::check(!result.error().empty(), "an Oracle parser's error says why");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using mlc::fuzz::check;
    namespace oracle = mlc::oracle;
    const std::string body(mlc::fuzz::text_of(data, size));

    const auto meta = oracle::parse_page_meta(body);
    checked(meta);
    if (meta) {
        check(meta->count >= 0, "an envelope's item count is not negative");
    }

    const auto suppliers = oracle::parse_supplier_page(body);
    checked(suppliers);
    if (suppliers) {
        check(suppliers->meta.count == static_cast<int>(suppliers->suppliers.size()),
              "a supplier page holds as many suppliers as items");
    }

    checked(oracle::parse_account_page(body));
    static const std::vector<std::string> chart = {"entity", "department", "account", "subAccount",
                                                   "product"};
    checked(oracle::parse_account_page(body, oracle::segment_attributes(chart)));

    checked(oracle::parse_purchase_order(body));
    checked(oracle::parse_purchase_order_page(body));
    const auto invoice = oracle::parse_payables_invoice(body);
    checked(invoice);
    if (invoice) {
        (void)oracle::correction_applied(*invoice, body);
    }
    checked(oracle::parse_payables_invoice_page(body));
    (void)oracle::new_invoice_identity(body);
    checked(oracle::parse_payment_page(body));
    checked(oracle::parse_journal_batch_page(body));

    const auto periods = oracle::parse_period_status_page(body);
    checked(periods);
    if (periods) {
        (void)oracle::period_of(*periods, "2026-07-15");
    }
    return 0;
}
