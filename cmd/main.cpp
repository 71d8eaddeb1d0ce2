// ml-connector: parses the command line once, runs one subcommand, and turns every error
// into one line `error: <what> (<hint>)` and a documented exit code.
#include "core/version.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv)
{
    CLI::App app{"ml-connector: keeps Oracle Fusion Cloud ERP and Procore in sync"};
    app.set_version_flag("--version", mlc::k_version);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
