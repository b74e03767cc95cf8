// Interactive validator for "Ping pong", a benchmark of the round-trip cost of one interaction step.
//
// Invocation: validate input_file answer_file feedback_dir [args...]
//   stdin  <- the submission's stdout
//   stdout -> the submission's stdin
// The input file holds N. For k = 1..N the validator writes k on its own line (one write(2) per line, so
// each is flushed at once) and reads back one line that must be k + 1. Then it writes 0 and waits for the
// submission to end its output (EOF): exit 42. Any mismatch, early EOF, output after the 0 or a vanished
// submission: exit 43 with a one-line reason in feedback_dir/judgemessage.txt. Exit 1: judge error.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

std::string feedback_dir;

[[noreturn]] void wrong(const std::string& message) {
    std::string path = feedback_dir + "/judgemessage.txt";
    if (FILE* f = std::fopen(path.c_str(), "w")) {
        std::fprintf(f, "%s\n", message.c_str());
        std::fclose(f);
    }
    std::exit(43);
}

[[noreturn]] void judge_error(const std::string& message) {
    std::fprintf(stderr, "pingpong validator: %s\n", message.c_str());
    std::exit(1);
}

bool send_line(long value) {
    char buf[32];
    int len = std::snprintf(buf, sizeof buf, "%ld\n", value);
    const char* p = buf;
    while (len > 0) {
        ssize_t n = ::write(STDOUT_FILENO, p, static_cast<size_t>(len));
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;  // EPIPE (SIGPIPE is ignored): the submission is gone
        }
        p += n;
        len -= static_cast<int>(n);
    }
    return true;
}

// A small reader over fd 0: read(2) returns whatever the submission has written so far, so a line is
// seen as soon as it arrives.
char in_buf[1 << 16];
size_t in_pos = 0, in_len = 0;

int next_char() {
    if (in_pos == in_len) {
        ssize_t n;
        do n = ::read(STDIN_FILENO, in_buf, sizeof in_buf);
        while (n < 0 && errno == EINTR);
        if (n <= 0) return EOF;
        in_pos = 0;
        in_len = static_cast<size_t>(n);
    }
    return static_cast<unsigned char>(in_buf[in_pos++]);
}

// Reads one line that must be a non-negative integer, optionally followed by blanks (' ', '\t', '\r').
// Returns 1 on success, 0 at EOF before any character, -1 when the line is not such an integer.
int read_number(long* value) {
    int c = next_char();
    if (c == EOF) return 0;
    long v = 0;
    int digits = 0;
    bool trailing = false;
    for (; c != EOF && c != '\n'; c = next_char()) {
        if (c >= '0' && c <= '9' && !trailing && digits < 18) {
            v = v * 10 + (c - '0');
            ++digits;
        } else if ((c == ' ' || c == '\t' || c == '\r') && digits > 0) {
            trailing = true;
        } else {
            return -1;  // the caller rejects the line; no need to read the rest
        }
    }
    if (digits == 0) return -1;
    *value = v;
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    if (argc < 4) judge_error("usage: validate input_file answer_file feedback_dir [args...]");
    feedback_dir = argv[3];
    FILE* f = std::fopen(argv[1], "r");
    if (!f) judge_error(std::string("cannot open the input file ") + argv[1]);
    long steps;
    int got = std::fscanf(f, "%ld", &steps);
    std::fclose(f);
    if (got != 1 || steps < 1 || steps > 100000000) judge_error("the input file does not hold N >= 1");

    for (long k = 1; k <= steps; ++k) {
        if (!send_line(k))
            wrong("the submission stopped reading at step " + std::to_string(k));
        long reply;
        int r = read_number(&reply);
        if (r == 0) wrong("the submission's output ended at step " + std::to_string(k));
        if (r < 0) wrong("step " + std::to_string(k) + ": the reply is not a number on its own line");
        if (reply != k + 1)
            wrong("step " + std::to_string(k) + ": expected " + std::to_string(k + 1) + ", got " +
                  std::to_string(reply));
    }
    send_line(0);  // a submission that exits without reading the 0 has still answered every step
    for (int c; (c = next_char()) != EOF;) {
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') wrong("output after the final 0");
    }
    return 42;
}
