// The tour: the optimization notes' story, run in order, ending in one table.
//
// The story (reference/optimization-1.md, the whole section): what the loss looks like, along a
// line and across a plane (landscape.cpp), random search (random_search.cpp),
// random local search (random_local_search.cpp), the numerical gradient and the step size
// (numerical_gradient.cpp), following the gradient (gradient_descent.cpp), checking it
// (gradient_check.cpp), writing your own loss (custom_loss.cpp), the tape drawn (tape_graph.cpp),
// and minibatch training on the whole training split (train.cpp). Each step is one call to the
// experiment of that file; the tour only chooses the sizes and puts the numbers side by side.
#include "tour.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "support/common.hpp"
#include "support/plot.hpp"
#include "support/program.hpp"

namespace gradlab::examples {
namespace {

std::string summary_table(const TourOptions& o, const TourResult& r) {
    std::string t = "== Summary ==\n";
    t += fmt::format("data: {}, {} training examples for the strategies\n\n", to_string(o.data.source),
                     o.data.n_train);
    t += fmt::format("{:<34} {:>6} {:>10} {:>10} {:>10} {:>9}\n", "how W was found", "evals", "best loss",
                     "train acc", "test acc", "time");
    for (const StrategyResult& s : r.strategies)
        t += fmt::format("{:<34} {:>6} {:>10.4f} {:>10} {:>10} {:>9}\n", s.strategy, s.evaluations, s.best_loss,
                         percent(s.train_accuracy), percent(s.test_accuracy), format_duration(s.seconds));
    t += fmt::format("{:<34} {:>6} {:>10.4f} {:>10} {:>10} {:>9}\n",
                     fmt::format("minibatch training ({} epochs)", r.train.train_loss.size()), "-",
                     r.train.train_loss.empty() ? 0.0 : r.train.train_loss.back(),
                     percent(r.train.train_accuracy), percent(r.train.test_accuracy),
                     format_duration(r.train.seconds));
    t += "  (strategies: SVM loss, raw pixels, bias trick; training: softmax on scaled, mean-subtracted "
         "pixels, all of the training split)\n\n";

    t += fmt::format("{:<34} {:>12} {:>12} {:>12}\n", "gradient check (max rel. error)", "full", "sparse",
                     "directional");
    for (std::size_t i = 0; i + 2 < r.checks.checks.size(); i += 3)
        t += fmt::format("{:<34} {:>12.2e} {:>12.2e} {:>12.2e}\n", r.checks.checks[i].loss,
                         r.checks.checks[i].max_relative_error, r.checks.checks[i + 1].max_relative_error,
                         r.checks.checks[i + 2].max_relative_error);
    for (const CustomLossRoute& c : r.custom_loss.routes)
        t += fmt::format("{:<34} {:>12.2e}\n", "your smooth SVM (" + c.route + ")", c.max_relative_error);
    t += fmt::format("{:<34} {:>12}  ({} kink crossing(s) accepted as subgradients)\n", "SVM at a kink",
                     r.checks.kink_demo.passed ? "passed" : "FAILED", r.checks.kink_demo.kinks);
    t += fmt::format("all gradient checks passed: {}\n\n", r.checks.all_passed && r.custom_loss.all_passed ? "yes" : "NO");

    t += fmt::format("one gradient of {} weights: numerical {} ({} loss evaluations), analytic {} "
                     "({:.0f}x faster)\n",
                     r.numerical.parameters, format_duration(r.numerical.numerical_seconds),
                     r.numerical.numerical_evaluations, format_duration(r.numerical.analytic_seconds),
                     r.numerical.numerical_seconds / std::max(r.numerical.analytic_seconds, 1e-12));
    t += fmt::format("step-size sweep: loss {:.4f} -> best {:.4f} at step {:.0e}\n\n", r.numerical.loss0,
                     r.numerical.best_loss, r.numerical.best_step_size);
    t += fmt::format("loss landscapes: {} figures (SVM and softmax slices, the hinge toy, GD/SGD paths, the "
                     "step-size slice), slices computed in {}; {}\n\n",
                     r.landscape.figures.size(), format_duration(r.landscape.slice_seconds),
                     r.landscape.drawn ? "drawn as .png and .svg beside their .dat and .gp"
                                       : "gnuplot not found: .dat and .gp written, not drawn");
    t += "time per step:";
    for (const TourTiming& s : r.timings) t += fmt::format(" {} {} |", s.step, format_duration(s.seconds));
    t += fmt::format(" total {}\n", format_duration(r.seconds));
    if (!r.files.empty()) t += fmt::format("files: {}\n", fmt::join(r.files, ", "));
    return t;
}

// Plots, if gnuplot is there: the strategies' best loss per evaluation, and the step-size sweep.
void draw_plots(const TourResult& r, const std::filesystem::path& dir, std::vector<std::string>& files,
                std::ostream& out) {
    if (!plot::gnuplot_available()) {
        fmt::print(out, "gnuplot not found: no plots\n");
        return;
    }
    plot::LinePlot strategies{"The three strategies on the same loss", "loss evaluations", "best SVM loss so far",
                              false, false, {}};
    for (const StrategyResult& s : r.strategies) {
        plot::Series series{s.strategy, {}, s.best_so_far};
        for (std::size_t i = 0; i < s.best_so_far.size(); ++i) series.x.push_back(static_cast<double>(i + 1));
        strategies.series.push_back(std::move(series));
    }
    plot::LinePlot sweep{"One step along the numerical gradient", "step size", "loss after the step", true, true,
                         {{"loss", r.numerical.step_sizes, r.numerical.losses}}};
    for (const auto& [plot_, name] : {std::pair{&strategies, "strategies.png"}, std::pair{&sweep, "step_size_sweep.png"}}) {
        const std::string path = (dir / name).string();
        try {
            plot::draw(*plot_, path);
            files.push_back(path);
        } catch (const Error& e) {
            fmt::print(out, "could not draw {}: {}\n", path, e.what());
        }
    }
}

}  // namespace

TourOptions smoke_tour_options(TourOptions base) {
    base.data.n_train = 300;
    base.data.n_test = 200;
    base.tries = 40;
    base.epochs = 2;
    base.smoke = true;
    return base;
}

TourResult run_tour(const TourOptions& o) {
    std::ostream& out = output(o.out);
    const Stopwatch total;
    TourResult r;
    std::filesystem::create_directories(o.out_dir);
    const std::filesystem::path dir(o.out_dir);
    fmt::print(out, "gradlab tour: the optimization notes, run{}. Files go to {}\n\n",
               o.smoke ? " at smoke size" : "", o.out_dir);
    auto timed = [&](const char* step, auto&& run) {
        const Stopwatch clock;
        run();
        r.timings.push_back({step, clock.seconds()});
    };

    timed("loss landscapes", [&] {
        LandscapeFigureOptions lf;
        lf.data = o.data;
        lf.data.n_train = o.smoke ? 100 : 1000;
        lf.data.n_test = 1;
        lf.grid = o.smoke ? 11 : 61;
        lf.line_points = o.smoke ? 41 : 401;
        lf.steps = o.smoke ? 5 : 30;
        lf.seed = o.seed;
        lf.out_dir = o.out_dir;
        lf.out = &out;
        r.landscape = run_landscape(lf);
        // The images when gnuplot drew them, else the scripts that draw them.
        for (const std::string& f : r.landscape.files) {
            const std::string ext = std::filesystem::path(f).extension().string();
            if (ext == (r.landscape.drawn ? ".png" : ".gp")) r.files.push_back(f);
        }
        fmt::print(out, "\n");
    });
    // [tour-step]
    timed("random search", [&] {
        RandomSearchOptions rs;
        rs.data = o.data;
        rs.tries = o.tries;
        rs.seed = o.seed;
        rs.out = &out;
        r.strategies.push_back(run_random_search(rs));
    });
    // [tour-step]
    timed("random local search", [&] {
        RandomLocalSearchOptions ls;
        ls.data = o.data;
        ls.tries = o.tries;
        ls.seed = o.seed;
        ls.out = &out;
        r.strategies.push_back(run_random_local_search(ls));
    });
    timed("numerical gradient", [&] {
        NumericalGradientOptions ng;
        ng.data = o.data;
        ng.data.n_train = o.smoke ? 20 : 100;
        ng.data.n_test = 1;
        ng.seed = o.seed;
        ng.out = &out;
        r.numerical = run_numerical_gradient(ng);
    });
    timed("gradient descent", [&] {
        GradientDescentOptions gd;
        gd.data = o.data;
        gd.steps = o.tries > 0 ? o.tries - 1 : 0;
        gd.step_size = o.gd_step_size > 0.0 ? o.gd_step_size : r.numerical.best_step_size;
        gd.seed = o.seed;
        gd.out = &out;
        fmt::print(out, "(step size {:g}{})\n", gd.step_size,
                   o.gd_step_size > 0.0 ? "" : ", the best one of the sweep above");
        r.strategies.push_back(run_gradient_descent(gd));
    });
    timed("gradient checks", [&] {
        GradientCheckOptions gc;
        gc.seed = o.seed + 2;
        gc.out = &out;
        r.checks = run_gradient_check(gc);
    });
    timed("your own loss", [&] {
        CustomLossOptions cl;
        cl.out = &out;
        r.custom_loss = run_custom_loss(cl);
    });
    timed("tape graph", [&] {
        TapeGraphOptions tg;
        tg.out_dir = o.out_dir;
        tg.out = &out;
        r.tape_graph = run_tape_graph(tg);
        r.files.push_back(r.tape_graph.dot_path);
        if (!r.tape_graph.png_path.empty()) r.files.push_back(r.tape_graph.png_path);
    });
    timed("training", [&] {
        TrainOptions tr;
        tr.data = o.data;
        tr.data.n_train = o.smoke ? o.data.n_train : 0;  // the whole training split
        tr.data.n_test = o.data.n_test;
        if (o.smoke) tr.validation = std::max<std::size_t>(1, o.data.n_train / 5);  // else the default
        tr.epochs = o.epochs;
        tr.seed = o.seed;
        tr.csv = (dir / "train_history.csv").string();
        tr.out = &out;
        r.train = run_train(tr);
        r.files.push_back(tr.csv);
    });
    draw_plots(r, dir, r.files, out);

    r.seconds = total.seconds();
    r.summary = summary_table(o, r);
    fmt::print(out, "\n{}", r.summary);
    return r;
}

namespace {

// build/<preset>/tour-output when the program runs from build/<preset>/examples/, else
// ./tour-output: the tour never writes into the source tree.
std::string default_out_dir() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec && exe.parent_path().filename() == "examples" &&
        std::filesystem::exists(exe.parent_path().parent_path() / "CMakeCache.txt", ec))
        return (exe.parent_path().parent_path() / "tour-output").string();
    return "tour-output";
}

}  // namespace

int tour_main(int argc, char** argv) {
    TourOptions o;
    o.out_dir = default_out_dir();
    Flags app("tour",
              "The optimization notes, run in order: loss landscapes, random search, random local search, the "
              "numerical gradient and the step size, gradient descent, gradient checks, your own "
              "loss, the tape drawn, minibatch training; then a summary table.");
    add_data_flags(app, o.data);
    app.get_option("--data")->default_str("fashion-mnist (blobs with --smoke)");
    app.add_option("--tries", o.tries, "loss evaluations per strategy")->check(whole_number(1));
    app.add_option("--epochs", o.epochs, "epochs of minibatch training")->check(whole_number(1));
    app.add_option("--gd-step-size", o.gd_step_size, "gradient descent's step size (0 = best of the sweep)")
        ->check(decimal_number(Sign::NonNegative));
    app.add_option("--seed", o.seed, "seed of every random choice")->check(whole_number());
    app.add_option("--out", o.out_dir, "directory for the files the tour writes");
    app.add_flag("--smoke", o.smoke, "tiny sizes on synthetic data (seconds; for tests)");
    return run_program_main(app, argc, argv, [&] {
        if (o.smoke && app.count("--data") == 0) o.data.source = DataSource::Blobs;
        const TourResult r = run_tour(o.smoke ? smoke_tour_options(o) : o);
        return r.checks.all_passed && r.custom_loss.all_passed ? 0 : 1;
    });
}

}  // namespace gradlab::examples
