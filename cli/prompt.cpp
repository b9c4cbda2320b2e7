#include "cli/prompt.h"

// readline.h uses FILE without including <stdio.h>.
#include <cstdio>
//
#include <readline/history.h>
#include <readline/readline.h>
#include <sys/select.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace seam::cli {
namespace {

constexpr int kHistoryLines = 1000;

class TerminalPrompt;

// GNU readline keeps its state in process-wide variables and calls back
// through plain function pointers that carry no user data: the line handler
// of its callback interface, the completion function and the generator of
// completion matches. These reach the one live TerminalPrompt through
// `g_active`. `g_interrupted` is set by the SIGINT handler, which can do
// nothing else safely; the read loop sees it when select() is interrupted.
TerminalPrompt* g_active = nullptr;
volatile sig_atomic_t g_interrupted = 0;

void on_sigint(int /*signal*/) {
  g_interrupted = 1;
}

class TerminalPrompt final : public LineReader {
 public:
  TerminalPrompt(std::string prompt, std::string history_file, Completer completer)
      : prompt_(std::move(prompt)),
        history_file_(std::move(history_file)),
        completer_(std::move(completer)) {
    assert(g_active == nullptr);
    g_active = this;
    rl_readline_name = "seam";  // for $if seam in ~/.inputrc
    rl_catch_signals = 0;       // SIGINT is handled here, see read_line()
    rl_attempted_completion_function = &TerminalPrompt::complete;
    // Words are separated by blanks only: "panic+0x10" and Rust's "a::b"
    // are one word each.
    rl_basic_word_break_characters = const_cast<char*>(" \t\n");
    rl_completer_word_break_characters = const_cast<char*>(" \t\n");
    using_history();
    stifle_history(kHistoryLines);
    if (!history_file_.empty()) {
      std::error_code error;
      std::filesystem::create_directories(std::filesystem::path(history_file_).parent_path(),
                                          error);
      read_history(history_file_.c_str());
    }
  }

  ~TerminalPrompt() override {
    rl_attempted_completion_function = nullptr;
    g_active = nullptr;
  }

  TerminalPrompt(const TerminalPrompt&) = delete;
  TerminalPrompt& operator=(const TerminalPrompt&) = delete;

  std::optional<std::string> read_line() override {
    // Readline's callback interface, driven by select(), so that Ctrl-C can
    // clear the line being edited: readline() itself would need the signal
    // handler to longjmp out of it. SIGINT is caught only while waiting here;
    // during a command it keeps its default action.
    struct sigaction action = {}, previous = {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: select() must return EINTR
    sigaction(SIGINT, &action, &previous);
    g_interrupted = 0;
    done_ = false;
    line_.reset();
    rl_callback_handler_install(prompt_.c_str(), &TerminalPrompt::on_line);
    while (!done_) {
      fd_set readable;
      FD_ZERO(&readable);
      FD_SET(STDIN_FILENO, &readable);
      int ready = select(STDIN_FILENO + 1, &readable, nullptr, nullptr, nullptr);
      if (ready < 0 && errno == EINTR) {
        if (g_interrupted) {
          g_interrupted = 0;
          clear_line();
        }
        continue;
      }
      if (ready < 0) {  // stdin is gone: end the session as on EOF
        rl_callback_handler_remove();
        break;
      }
      rl_callback_read_char();
    }
    sigaction(SIGINT, &previous, nullptr);
    return std::move(line_);
  }

 private:
  // Readline's line handler: `text` is the line (malloc'ed), or null on EOF.
  static void on_line(char* text) {
    TerminalPrompt& self = *g_active;
    // Removing the handler stops readline from showing the next prompt
    // before the command's output; read_line() installs it again.
    rl_callback_handler_remove();
    self.done_ = true;
    if (text == nullptr) return;
    self.line_ = text;
    std::free(text);
    self.remember(*self.line_);
  }

  void remember(const std::string& line) {
    if (line.empty() || line[0] == ' ') return;  // as bash's ignorespace
    HIST_ENTRY* last =
        history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
    if (last != nullptr && line == last->line) return;
    add_history(line.c_str());
    // Saved after every line, so that a session ended by a signal keeps it.
    if (!history_file_.empty()) write_history(history_file_.c_str());
  }

  // Ctrl-C: forget the line being edited and show an empty prompt.
  static void clear_line() {
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    std::fputs("^C", rl_outstream);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
  }

  static char** complete(const char* text, int start, int /*end*/) {
    rl_attempted_completion_over = 1;  // never fall back to file names
    TerminalPrompt& self = *g_active;
    self.candidates_ = self.completer_(std::string_view(rl_line_buffer, start), text);
    self.next_candidate_ = 0;
    return rl_completion_matches(text, &TerminalPrompt::next_match);
  }

  // Readline's generator: each call returns one malloc'ed match, then null.
  static char* next_match(const char* text, int state) {
    TerminalPrompt& self = *g_active;
    if (state == 0) self.next_candidate_ = 0;
    std::string_view prefix(text);
    while (self.next_candidate_ < self.candidates_.size()) {
      const std::string& candidate = self.candidates_[self.next_candidate_++];
      if (candidate.starts_with(prefix)) return strdup(candidate.c_str());
    }
    return nullptr;
  }

  std::string prompt_, history_file_;
  Completer completer_;
  bool done_ = false;
  std::optional<std::string> line_;
  std::vector<std::string> candidates_;
  size_t next_candidate_ = 0;
};

class StreamReader final : public LineReader {
 public:
  explicit StreamReader(std::istream& in) : in_(in) {}
  std::optional<std::string> read_line() override {
    std::string line;
    if (!std::getline(in_, line)) return std::nullopt;
    return line;
  }

 private:
  std::istream& in_;
};

}  // namespace

std::unique_ptr<LineReader> terminal_prompt(std::string prompt, std::string history_file,
                                            Completer completer) {
  return std::make_unique<TerminalPrompt>(std::move(prompt), std::move(history_file),
                                          std::move(completer));
}

std::unique_ptr<LineReader> stream_reader(std::istream& in) {
  return std::make_unique<StreamReader>(in);
}

std::string default_history_file() {
  std::filesystem::path state;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && xdg[0] == '/') {
    state = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    state = std::filesystem::path(home) / ".local" / "state";
  } else {
    return "";
  }
  return (state / "seam" / "history").string();
}

}  // namespace seam::cli
