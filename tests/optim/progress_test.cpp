#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include <gradlab/optim/progress.hpp>

namespace go = gradlab::optim;

TEST_CASE("durations print as mm:ss or h:mm:ss, unknown as --:--", "[progress]") {
    CHECK(go::format_duration(42.4) == "00:42");
    CHECK(go::format_duration(723) == "12:03");
    CHECK(go::format_duration(3723) == "1:02:03");
    CHECK(go::format_duration(std::nan("")) == "--:--");
    CHECK(go::format_duration(-1) == "--:--");
}

TEST_CASE("the bar shows epoch, fill, batch, loss, rate and ETA", "[progress]") {
    go::ProgressInfo info{2, 10, 35, 100, 0.42131, 5123.0, 42.0};
    CHECK(go::format_progress_bar(info, 20) ==
          "epoch 2/10 [#######.............] 35/100 loss 0.4213 | 5.1k ex/s | ETA 00:42");
    info.batch = 100;
    CHECK(go::format_progress_bar(info, 4).find("[####]") != std::string::npos);
}

TEST_CASE("off a terminal the printer writes only whole lines: no carriage returns, no escapes", "[progress]") {
    std::ostringstream out;
    go::ProgressPrinter p(out, false, 0.0);
    for (std::size_t b = 1; b <= 5; ++b) p.batch({1, 2, b, 5, 0.5, 100.0, 3.0});
    p.epoch(1, 2, 0.5, 0.75, 100.0, 1.25);
    p.epoch(2, 2, 0.25, std::nan(""), 100.0, 1.0);
    CHECK(out.str() == "epoch 1/2 loss 0.500000 val_acc 0.7500 | 100 ex/s | 1.2 s\n"
                       "epoch 2/2 loss 0.250000 | 100 ex/s | 1.0 s\n");
}

TEST_CASE("on a terminal the printer redraws the bar in place, then prints the epoch line", "[progress]") {
    std::ostringstream out;
    go::ProgressPrinter p(out, true, 0.0);
    p.batch({1, 1, 1, 2, 0.5, 100.0, 3.0});
    p.batch({1, 1, 2, 2, 0.5, 100.0, 0.0});
    p.epoch(1, 1, 0.5, 0.75, 100.0, 1.25);
    const std::string s = out.str();
    CHECK(std::count(s.begin(), s.end(), '\r') == 3);  // two redraws and the clear before the summary
    CHECK(s.find("1/2 loss") != std::string::npos);
    CHECK(s.substr(s.size() - 1) == "\n");
    CHECK(std::count(s.begin(), s.end(), '\n') == 1);
}
