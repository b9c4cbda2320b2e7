// Where the commands of an interactive `seam` session come from: a GNU
// readline prompt on a terminal (line editing, history kept across runs,
// completion, Ctrl-C clearing the line), or plain lines from a stream when
// stdin is a pipe or a file (no prompt, nothing echoed, so scripts can feed
// commands: `printf 'sys\nps\n' | seam -c vmcore -s vmlinux`).
//
//   auto complete = [](std::string_view before, std::string_view word) {
//     return before.empty() ? command_names(word) : symbols(word);
//   };
//   std::unique_ptr<LineReader> input =
//       isatty(0) ? terminal_prompt("seam> ", default_history_file(), complete)
//                 : stream_reader(std::cin);
//   while (std::optional<std::string> line = input->read_line()) run(*line);
#pragma once

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seam::cli {

class LineReader {
 public:
  virtual ~LineReader() = default;
  // The next line without its newline, or nullopt at the end of input.
  virtual std::optional<std::string> read_line() = 0;
};

// Candidates for the word being completed: `before` is the text of the line
// before that word, `word` its beginning.
using Completer =
    std::function<std::vector<std::string>(std::string_view before, std::string_view word)>;

// A readline prompt on the terminal. Readline's state is process-wide, so at
// most one may exist at a time. Lines are added to the history, which is read
// from and saved to `history_file` ("" for none; failures are silent).
std::unique_ptr<LineReader> terminal_prompt(std::string prompt, std::string history_file,
                                            Completer completer);

// Lines of `in`, as they are.
std::unique_ptr<LineReader> stream_reader(std::istream& in);

// ${XDG_STATE_HOME:-~/.local/state}/seam/history, or "" without a home.
std::string default_history_file();

}  // namespace seam::cli
