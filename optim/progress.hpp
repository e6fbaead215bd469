/// \file progress.hpp
/// \brief Training progress for humans: a live bar on a terminal, plain lines elsewhere.
///
/// A carriage-return progress bar is pleasant in a terminal and garbage in a log file or a CI
/// page, so the output mode follows where it goes: a bar only when the stream is a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace gradlab::optim {

/// The numbers one progress report shows.
struct ProgressInfo {
    std::size_t epoch = 0;          ///< current epoch, from 1
    std::size_t epochs = 0;         ///< total epochs
    std::size_t batch = 0;          ///< batches done in this epoch
    std::size_t batches = 0;        ///< batches per epoch
    double loss = 0.0;              ///< mean training loss so far in this epoch
    double examples_per_s = 0.0;    ///< throughput in this epoch
    double eta_s = 0.0;             ///< estimated seconds until the whole run ends
};

/// One bar line, without the leading carriage return:
/// `epoch 2/10 [#######.............] 35/100 loss 0.4213 | 5.1k ex/s | ETA 00:42`.
std::string format_progress_bar(const ProgressInfo& info, std::size_t width = 20);

/// The end-of-epoch summary line (no newline), the same on a terminal and off it:
/// `epoch 2/10 loss 0.421300 val_acc 0.9350 | 5.1k ex/s | 1.9 s`. A NaN val_acc is left out.
std::string format_epoch_line(std::size_t epoch, std::size_t epochs, double loss, double val_accuracy,
                              double examples_per_s, double seconds);

/// "00:42", "12:03", "1:02:03" for a duration in seconds; "--:--" if unknown (not finite or < 0).
std::string format_duration(double seconds);

/// True if standard output is a terminal (isatty), i.e. a progress bar would be seen live.
bool stdout_is_terminal();

/// Writes progress to a stream: on a terminal, a bar redrawn in place (by carriage returns) at most every
/// `min_interval_s` seconds plus a summary line per epoch; off a terminal, only the summary
/// lines, each ending in '\n' (no carriage returns, no escape codes).
class ProgressPrinter {
public:
    /// Writes to `out`; `terminal` chooses the live bar (true) or summary lines only (false).
    ProgressPrinter(std::ostream& out, bool terminal, double min_interval_s = 0.1);

    /// Called after each batch; draws the bar if on a terminal and enough time has passed (the
    /// last batch of an epoch is always drawn).
    void batch(const ProgressInfo& info);

    /// Called once per epoch with its summary; replaces the bar by the summary line.
    void epoch(std::size_t epoch, std::size_t epochs, double loss, double val_accuracy,
               double examples_per_s, double seconds);

private:
    std::ostream& out_;
    bool terminal_;
    double min_interval_s_;
    bool bar_drawn_ = false;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace gradlab::optim
