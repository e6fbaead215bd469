#include "plot.hpp"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "process.hpp"

namespace gradlab::plot {

namespace fs = std::filesystem;

namespace {

// A gnuplot single-quoted string: no escapes are interpreted, and '' stands for one quote.
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        if (c != '\n') out += c;  // a newline would end the command
    }
    return out + "'";
}

// Numbers at full precision; gnuplot skips the "NaN" entries (a gap in a curve).
std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.17g}", v) : "NaN"; }

// The terminal line for the output's extension.
std::string terminal_for(const std::string& path, std::size_t width, std::size_t height) {
    std::string ext = fs::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (width == 0 || height == 0 || width > 20000 || height > 20000)
        throw ValueError(fmt::format("plot: image size {}x{} is not in 1..20000", width, height));
    // noenhanced: names like "loss_svm" are printed as written, not with a subscript.
    if (ext == ".png")
        return fmt::format("set terminal pngcairo size {},{} noenhanced", width, height);
    if (ext == ".svg")
        return fmt::format("set terminal svg size {},{} noenhanced background '#ffffff'", width,
                           height);
    throw ValueError(fmt::format("plot: {}: unknown image format '{}'; use .png or .svg", path, ext));
}

// A private directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "gradlab-plot-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw IoError(fmt::format("plot: cannot create a temporary directory {}: {}", tmpl,
                                      std::strerror(errno)));
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush())
        throw IoError(fmt::format("plot: cannot write {}: {}", path.string(), std::strerror(errno)));
}

// The last few lines of gnuplot's messages, for an error report.
std::string tail(const fs::path& log) {
    std::ifstream in(log);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(line);
    std::string out;
    for (std::size_t i = lines.size() > 6 ? lines.size() - 6 : 0; i < lines.size(); ++i)
        out += "\n  " + lines[i];
    return out.empty() ? " (no messages)" : out;
}

// Runs gnuplot on `script`, with its output going to a temporary name next to `path`, and
// renames that to `path` only when gnuplot succeeded: a reader of `path` never sees half an image.
// `body` is the script minus its first line (the terminal) and the output line.
void render(const std::string& terminal, const std::string& body, const std::string& data,
            const std::string& path) {
    const fs::path target = fs::absolute(path);
    std::error_code ec;
    if (!fs::is_directory(target.parent_path(), ec))
        throw IoError(fmt::format("plot: cannot draw {}: directory {} does not exist", path,
                                  target.parent_path().string()));
    if (!gnuplot_available())
        throw IoError(fmt::format("plot: cannot draw {}: gnuplot is not installed (apt install "
                                  "gnuplot-nox), or not on the PATH",
                                  path));

    static std::atomic<unsigned> counter{0};
    const fs::path partial =
        target.parent_path() / fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(),
                                           counter++);
    TempDir tmp;
    const fs::path data_file = tmp.path() / "data.dat";
    const fs::path script_file = tmp.path() / "plot.gp";
    const fs::path log_file = tmp.path() / "gnuplot.log";
    write_file(data_file, data);
    std::string script = terminal + "\nset output " + quoted(partial.string()) + "\n";
    script += "set datafile missing 'NaN'\n";
    script += "data = " + quoted(data_file.string()) + "\n";
    script += body;
    script += "set output\n";  // closes and flushes the image before gnuplot exits
    write_file(script_file, script);

    const int status = examples::run_program({"gnuplot", script_file.string()}, log_file.string());
    const bool ok = status == 0 && fs::file_size(partial, ec) > 0 && !ec;
    if (!ok) {
        fs::remove(partial, ec);
        throw IoError(fmt::format("plot: gnuplot failed to draw {} (exit status {}):{}", path,
                                  status, tail(log_file)));
    }
    fs::rename(partial, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        throw IoError(fmt::format("plot: cannot move the drawn image to {}: {}", path,
                                  ec.message()));
    }
}

std::string labels(const std::string& title, const std::string& x_label,
                   const std::string& y_label) {
    return "set title " + quoted(title) + "\nset xlabel " + quoted(x_label) + "\nset ylabel " +
           quoted(y_label) + "\n";
}

}  // namespace

bool gnuplot_available() { return !examples::find_on_path("gnuplot").empty(); }

void draw(const LinePlot& plot, const std::string& path) {
    const std::string terminal = terminal_for(path, plot.width, plot.height);
    if (plot.series.empty()) throw ValueError(fmt::format("plot: {}: no series to draw", path));
    std::string data;
    std::string body = labels(plot.title, plot.x_label, plot.y_label);
    body += "set grid\nset key top right\n";
    if (plot.log_x) body += "set logscale x\nset format x '%g'\n";
    if (plot.log_y) body += "set logscale y\nset format y '%g'\n";
    body += "plot ";
    for (std::size_t s = 0; s < plot.series.size(); ++s) {
        const Series& series = plot.series[s];
        if (series.x.size() != series.y.size() || series.x.empty())
            throw ValueError(fmt::format("plot: {}: series '{}' has {} x and {} y values; need the "
                                         "same number, at least one",
                                         path, series.name, series.x.size(), series.y.size()));
        // Each series is one data block; two blank lines end a block, `index` picks it.
        for (std::size_t i = 0; i < series.x.size(); ++i)
            data += number(series.x[i]) + " " + number(series.y[i]) + "\n";
        data += "\n\n";
        body += fmt::format("{}data index {} using 1:2 with linespoints pointsize 0.6 title {}",
                            s == 0 ? "" : ", ", s, quoted(series.name));
    }
    body += "\n";
    render(terminal, body, data, path);
}

void draw(const Heatmap& map, const std::string& path) {
    const std::string terminal = terminal_for(path, map.width, map.height);
    if (map.rows < 2 || map.cols < 2 || map.values.size() != map.rows * map.cols)
        throw ValueError(fmt::format("plot: {}: heatmap of {} rows x {} cols has {} values; need "
                                     "rows, cols >= 2 and rows * cols values",
                                     path, map.rows, map.cols, map.values.size()));
    if (!(map.x_min < map.x_max) || !(map.y_min < map.y_max))
        throw ValueError(fmt::format("plot: {}: heatmap ranges x [{}, {}], y [{}, {}] must be "
                                     "increasing", path, map.x_min, map.x_max, map.y_min,
                                     map.y_max));
    for (std::size_t i = 0; i < map.values.size(); ++i)
        if (!std::isfinite(map.values[i]))
            throw ValueError(fmt::format("plot: {}: heatmap value {} (row {}, col {}) is {}", path,
                                         i, i / map.cols, i % map.cols, map.values[i]));
    std::string data;
    const double dx = (map.x_max - map.x_min) / static_cast<double>(map.cols - 1);
    const double dy = (map.y_max - map.y_min) / static_cast<double>(map.rows - 1);
    for (std::size_t r = 0; r < map.rows; ++r) {
        for (std::size_t c = 0; c < map.cols; ++c)
            data += number(map.x_min + static_cast<double>(c) * dx) + " " +
                    number(map.y_min + static_cast<double>(r) * dy) + " " +
                    number(map.values[r * map.cols + c]) + "\n";
        data += "\n";  // one blank line between scan lines of the grid
    }
    std::string body = labels(map.title, map.x_label, map.y_label);
    body += "set cblabel " + quoted(map.value_label) + "\n";
    // A perceptually even dark-to-light palette (close to viridis), readable in grey print.
    body += "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', "
            "4 '#fde725')\n";
    body += "set autoscale xfix\nset autoscale yfix\nset tics out\n";
    body += "plot data using 1:2:3 with image notitle\n";
    render(terminal, body, data, path);
}

}  // namespace gradlab::plot
