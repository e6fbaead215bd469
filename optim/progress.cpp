#include "progress.hpp"

#include <algorithm>
#include <cmath>

#include <unistd.h>

#include <fmt/format.h>

namespace gradlab::optim {

namespace {
// 5100 -> "5.1k", 2.3e6 -> "2.3M": a rate is read at a glance, not to the last digit.
std::string human(double v) {
    if (!std::isfinite(v)) return "?";
    if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
    if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
    return fmt::format("{:.0f}", v);
}
}  // namespace

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0.0) return "--:--";
    const auto s = static_cast<long long>(std::llround(seconds));
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

std::string format_progress_bar(const ProgressInfo& info, std::size_t width) {
    const double frac = info.batches == 0 ? 0.0
                                          : std::min(1.0, static_cast<double>(info.batch) / static_cast<double>(info.batches));
    const auto filled = static_cast<std::size_t>(frac * static_cast<double>(width));
    return fmt::format("epoch {}/{} [{}{}] {}/{} loss {:.4f} | {} ex/s | ETA {}", info.epoch, info.epochs,
                       std::string(filled, '#'), std::string(width - filled, '.'), info.batch, info.batches,
                       info.loss, human(info.examples_per_s), format_duration(info.eta_s));
}

std::string format_epoch_line(std::size_t epoch, std::size_t epochs, double loss, double val_accuracy,
                              double examples_per_s, double seconds) {
    std::string line = fmt::format("epoch {}/{} loss {:.6f}", epoch, epochs, loss);
    if (!std::isnan(val_accuracy)) line += fmt::format(" val_acc {:.4f}", val_accuracy);
    return line + fmt::format(" | {} ex/s | {:.1f} s", human(examples_per_s), seconds);
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal, double min_interval_s)
    : out_(out), terminal_(terminal), min_interval_s_(min_interval_s) {}

void ProgressPrinter::batch(const ProgressInfo& info) {
    if (!terminal_) return;  // logs get one line per epoch, not a stream of redraws
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_draw_).count();
    if (bar_drawn_ && since < min_interval_s_ && info.batch < info.batches) return;
    // '\r' returns to the line start; "\033[K" clears what a longer previous bar left behind.
    out_ << '\r' << format_progress_bar(info) << "\033[K" << std::flush;
    bar_drawn_ = true;
    last_draw_ = now;
}

void ProgressPrinter::epoch(std::size_t epoch, std::size_t epochs, double loss, double val_accuracy,
                            double examples_per_s, double seconds) {
    if (terminal_ && bar_drawn_) out_ << "\r\033[K";
    out_ << format_epoch_line(epoch, epochs, loss, val_accuracy, examples_per_s, seconds) << '\n' << std::flush;
    bar_drawn_ = false;
}

}  // namespace gradlab::optim
