// The commands of a live session (seam -g HOST:PORT): breakpoints, continue,
// stepping, registers, the selected vCPU. session_command.cpp registers each
// name and hands the command's positional arguments here.
//
//   if (is_live_command("break")) {
//     Result<void> ok = check_live_arguments("break", {"ksys_write"});   // usage, before opening
//     ok = run_live_command(*session, "break", {"ksys_write"}, std::cout, /*json=*/false);
//   }
//
// continue, step, next, finish and stepi wait for the guest with Ctrl-C
// (SIGINT) interrupting it: the handler only sets a flag the wait polls, and
// the previous handler is back once the command returns.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/session.h"
#include "symbolizer/result.h"

namespace seam::cli {

Result<void> check_live_arguments(std::string_view command, const std::vector<std::string>& args);
Result<void> run_live_command(engine::Session& session, std::string_view command,
                              const std::vector<std::string>& args, std::ostream& out, bool json);

}  // namespace seam::cli
