#include "plot.hpp"

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

#include <gradlab/autodiff/atomic_file.hpp>

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

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) throw IoError(fmt::format("plot: cannot read {}: {}", path.string(), std::strerror(errno)));
    return bytes.str();
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

// A figure as gnuplot sees it: the data file's text, and the commands that draw it from the
// variable `data` (all of the script but the terminal and output lines). Built once by
// line_drawing() / heatmap_drawing(), whichever way the figure goes out.
struct Drawing {
    std::string data;
    std::string body;
};

// Runs gnuplot on `drawing` with `terminal`, in a private temporary directory, and puts the image at
// `path` with write_file_atomic only when gnuplot succeeded: a reader of `path` never sees half
// an image, and a failed drawing leaves `path` as it was.
void render(const std::string& terminal, const Drawing& drawing, const std::string& path) {
    const fs::path target = fs::absolute(path);
    std::error_code ec;
    if (!fs::is_directory(target.parent_path(), ec))
        throw IoError(fmt::format("plot: cannot draw {}: directory {} does not exist", path,
                                  target.parent_path().string()));
    if (!gnuplot_available())
        throw IoError(fmt::format("plot: cannot draw {}: gnuplot is not installed (apt install "
                                  "gnuplot-nox), or not on the PATH",
                                  path));

    TempDir tmp;
    const fs::path image = tmp.path() / "image";
    const fs::path data_file = tmp.path() / "data.dat";
    const fs::path script_file = tmp.path() / "plot.gp";
    const fs::path log_file = tmp.path() / "gnuplot.log";
    write_file(data_file, drawing.data);
    std::string script = terminal + "\nset output " + quoted(image.string()) + "\n";
    script += "set datafile missing 'NaN'\n";
    script += "data = " + quoted(data_file.string()) + "\n";
    script += drawing.body;
    script += "set output\n";  // closes and flushes the image before gnuplot exits
    write_file(script_file, script);

    const int status = examples::run_program({"gnuplot", script_file.string()}, log_file.string());
    if (status != 0 || fs::file_size(image, ec) == 0 || ec)
        throw IoError(fmt::format("plot: gnuplot failed to draw {} (exit status {}):{}", path,
                                  status, tail(log_file)));
    write_file_atomic(target.string(), read_file(image), "plot");
}

std::string labels(const std::string& title, const std::string& x_label,
                   const std::string& y_label) {
    return "set title " + quoted(title) + "\nset xlabel " + quoted(x_label) + "\nset ylabel " +
           quoted(y_label) + "\n";
}


// Low blue to high red through cyan and yellow, as the notes colour their loss landscapes.
constexpr const char* kBlueToRed =
    "set palette defined (0 '#00007f', 1 '#0000ff', 2 '#007fff', 3 '#00ffff', 4 '#7fff7f', "
    "5 '#ffff00', 6 '#ff7f00', 7 '#ff0000', 8 '#7f0000')\n";

// Overlay colours that stand out on that palette and on the key's white box: magenta, black,
// dark green, grey.
constexpr const char* kOverlayColours[] = {"#ff00ff", "#000000", "#008000", "#808080"};


void require_stem(const std::string& dir, const std::string& stem) {
    if (stem.empty() || stem.find('/') != std::string::npos || stem == "." || stem == "..")
        throw ValueError(fmt::format("plot: figure name '{}' must be a plain file name (no '/')", stem));
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw IoError(fmt::format("plot: cannot write figure {}: directory '{}' does not exist", stem, dir));
}

// A label as a gnuplot data-file string: double quotes, none inside.
std::string data_label(std::string s) {
    for (char& c : s)
        if (c == '"' || c == '\n') c = '\'';
    return "\"" + s + "\"";
}

// Overlay k as a data block (x y ["label"] per line), ending in the two blank lines of an index.
std::string overlay_block(const Overlay& o, const std::string& stem) {
    if (o.x.size() != o.y.size() || o.x.empty() || (!o.labels.empty() && o.labels.size() != o.x.size()))
        throw ValueError(fmt::format("plot: {}: overlay '{}' has {} x, {} y and {} labels; need as "
                                     "many x as y (at least one) and no labels or one per point",
                                     stem, o.name, o.x.size(), o.y.size(), o.labels.size()));
    std::string block;
    for (std::size_t i = 0; i < o.x.size(); ++i)
        block += number(o.x[i]) + " " + number(o.y[i]) +
                 (o.labels.empty() ? "" : " " + data_label(o.labels[i])) + "\n";
    return block + "\n\n";
}

// The plot clauses that draw overlay `o` from data block `index`.
std::string overlay_clauses(const Overlay& o, std::size_t index, const char* colour) {
    std::string c = fmt::format(", data index {} using 1:2 with {} lc rgb '{}' lw 2 pt 7 ps 0.8 {}",
                                index, o.lines ? "linespoints" : "points", colour,
                                o.name.empty() ? "notitle" : "title " + quoted(o.name));
    if (!o.labels.empty())
        c += fmt::format(", data index {} using 1:2:3 with labels offset char 0.8,0.8 left "
                         "tc rgb '{}' notitle", index, colour);
    return c;
}

// Writes data and script, then draws PNG and SVG if gnuplot is there.
FigureFiles finish_figure(const std::string& dir, const std::string& stem, const std::string& title,
                          std::size_t width, std::size_t height, const Drawing& drawing) {
    const fs::path base = fs::path(dir) / stem;
    FigureFiles files;
    files.data = base.string() + ".dat";
    files.script = base.string() + ".gp";
    const std::string png = base.string() + ".png", svg = base.string() + ".svg";
    const std::string png_terminal = terminal_for(png, width, height);
    const std::string svg_terminal = terminal_for(svg, width, height);

    std::string script = "# gradlab figure: " + title + "\n# Redraw with: cd " + dir +
                         " && gnuplot " + stem + ".gp   (writes " + stem + ".png and " + stem +
                         ".svg)\n";
    script += "set datafile missing 'NaN'\ndata = " + quoted(stem + ".dat") + "\n";
    script += png_terminal + "\nset output " + quoted(stem + ".png") + "\n" + drawing.body + "set output\n";
    script += svg_terminal + "\nset output " + quoted(stem + ".svg") + "\nreplot\nset output\n";
    write_file_atomic(files.data, drawing.data, "write_figure");
    write_file_atomic(files.script, script, "write_figure");

    if (!gnuplot_available()) {
        files.message = fmt::format("gnuplot not found: wrote {} and {}; to draw them, install "
                                    "gnuplot-nox and run: cd {} && gnuplot {}.gp",
                                    files.data, files.script, dir, stem);
        return files;
    }
    render(png_terminal, drawing, png);
    render(svg_terminal, drawing, svg);
    files.images = {png, svg};
    return files;
}

// `name` (the stem, or draw()'s path) names the figure in error messages.
Drawing line_drawing(const LineFigure& figure, const std::string& name) {
    const LinePlot& plot = figure.plot;
    if (plot.series.empty()) throw ValueError(fmt::format("plot: {}: no series to draw", name));
    Drawing d;
    d.body = labels(plot.title, plot.x_label, plot.y_label);
    d.body += "set grid\nset key " + figure.key + "\nset autoscale xfix\n";
    if (plot.log_x) d.body += "set logscale x\nset format x '%.0e'\n";
    if (plot.log_y) d.body += "set logscale y\nset format y '%g'\n";
    std::string command = "plot ";
    std::size_t index = 0;
    for (std::size_t s = 0; s < plot.series.size(); ++s, ++index) {
        const Series& series = plot.series[s];
        if (series.x.size() != series.y.size() || series.x.empty())
            throw ValueError(fmt::format("plot: {}: series '{}' has {} x and {} y values; need the "
                                         "same number, at least one",
                                         name, series.name, series.x.size(), series.y.size()));
        // Each series is one data block; two blank lines end a block, `index` picks it.
        for (std::size_t i = 0; i < series.x.size(); ++i)
            d.data += number(series.x[i]) + " " + number(series.y[i]) + "\n";
        d.data += "\n\n";
        const bool thick = figure.emphasize_last && s + 1 == plot.series.size();
        command += fmt::format("{}data index {} using 1:2 with lines {} title {}", s == 0 ? "" : ", ",
                               index, thick ? "lw 3 lc rgb '#000000'" : figure.emphasize_last ? "lw 1.5 dt 2" : "lw 2",
                               quoted(series.name));
    }
    for (std::size_t m = 0; m < figure.marks.size(); ++m, ++index) {
        d.data += overlay_block(figure.marks[m], name);
        // Marks on a curve: red, then the other overlay colours but white.
        static constexpr const char* kMarkColours[] = {"#d00000", "#000000", "#ff00ff", "#00a000"};
        command += overlay_clauses(figure.marks[m], index, kMarkColours[m % 4]);
    }
    d.body += command + "\n";
    return d;
}

Drawing heatmap_drawing(const HeatmapFigure& figure, const std::string& name) {
    const Heatmap& map = figure.map;
    if (map.rows < 2 || map.cols < 2 || map.values.size() != map.rows * map.cols)
        throw ValueError(fmt::format("plot: {}: heatmap of {} rows x {} cols has {} values; need "
                                     "rows, cols >= 2 and rows * cols values",
                                     name, map.rows, map.cols, map.values.size()));
    if (!(map.x_min < map.x_max) || !(map.y_min < map.y_max))
        throw ValueError(fmt::format("plot: {}: heatmap ranges x [{}, {}], y [{}, {}] must be "
                                     "increasing", name, map.x_min, map.x_max, map.y_min, map.y_max));
    for (std::size_t i = 0; i < map.values.size(); ++i)
        if (!std::isfinite(map.values[i]))
            throw ValueError(fmt::format("plot: {}: heatmap value {} (row {}, col {}) is {}", name,
                                         i, i / map.cols, i % map.cols, map.values[i]));
    Drawing d;
    const double dx = (map.x_max - map.x_min) / static_cast<double>(map.cols - 1);
    const double dy = (map.y_max - map.y_min) / static_cast<double>(map.rows - 1);
    for (std::size_t r = 0; r < map.rows; ++r) {
        for (std::size_t c = 0; c < map.cols; ++c)
            d.data += number(map.x_min + static_cast<double>(c) * dx) + " " +
                      number(map.y_min + static_cast<double>(r) * dy) + " " +
                      number(map.values[r * map.cols + c]) + "\n";
        d.data += "\n";  // one blank line between scan lines of the grid
    }
    d.data += "\n";  // and a second one: the grid is data block (index) 0

    d.body = labels(map.title, map.x_label, map.y_label);
    d.body += "set cblabel " + quoted(map.value_label) + "\n" + kBlueToRed;
    d.body += "set xrange [" + number(map.x_min - dx / 2) + ":" + number(map.x_max + dx / 2) + "]\n";
    d.body += "set yrange [" + number(map.y_min - dy / 2) + ":" + number(map.y_max + dy / 2) + "]\n";
    d.body += "set tics out\nset key top left opaque box\n";
    std::string command = "plot data index 0 using 1:2:3 with image notitle";
    if (figure.contours > 0) {
        // gnuplot traces contours only in 3-D: trace them into a datablock, then draw its lines.
        d.body += fmt::format("set contour base\nset cntrparam levels auto {}\nunset surface\n"
                              "set table $contours\nsplot data index 0 using 1:2:3 with lines notitle\n"
                              "unset table\nunset contour\nset surface\n",
                              figure.contours);
        command += ", $contours using 1:2 with lines lc rgb '#202020' lw 0.7 notitle";
    }
    for (std::size_t k = 0; k < figure.overlays.size(); ++k) {
        d.data += overlay_block(figure.overlays[k], name);
        command += overlay_clauses(figure.overlays[k], k + 1, kOverlayColours[k % 4]);
    }
    d.body += command + "\n";
    return d;
}

}  // namespace

bool gnuplot_available() { return !examples::find_on_path("gnuplot").empty(); }

FigureFiles write_figure(const LineFigure& figure, const std::string& dir, const std::string& stem) {
    require_stem(dir, stem);
    return finish_figure(dir, stem, figure.plot.title, figure.plot.width, figure.plot.height,
                         line_drawing(figure, stem));
}

FigureFiles write_figure(const HeatmapFigure& figure, const std::string& dir, const std::string& stem) {
    require_stem(dir, stem);
    return finish_figure(dir, stem, figure.map.title, figure.map.width, figure.map.height,
                         heatmap_drawing(figure, stem));
}

// draw(): the same drawing as write_figure's, as one image and nothing else.
void draw(const LinePlot& plot, const std::string& path) {
    LineFigure figure;
    figure.plot = plot;
    render(terminal_for(path, plot.width, plot.height), line_drawing(figure, path), path);
}

void draw(const Heatmap& map, const std::string& path) {
    HeatmapFigure figure;
    figure.map = map;
    render(terminal_for(path, map.width, map.height), heatmap_drawing(figure, path), path);
}

}  // namespace gradlab::plot

// ---------------------------------------------------------------------------------------------
// Bar charts
// ---------------------------------------------------------------------------------------------

namespace gradlab::plot {

FigureFiles write_figure(const BarChart& chart, const std::string& dir, const std::string& stem) {
    require_stem(dir, stem);
    if (chart.categories.empty() || chart.series.empty())
        throw ValueError(fmt::format("plot: {}: a bar chart needs at least one category and one series "
                                     "(got {} and {})", stem, chart.categories.size(), chart.series.size()));
    for (const BarSeries& s : chart.series) {
        if (s.values.size() != chart.categories.size())
            throw ValueError(fmt::format("plot: {}: series '{}' has {} values for {} categories", stem,
                                         s.name, s.values.size(), chart.categories.size()));
        for (double v : s.values)
            if (chart.log_y && !(v > 0.0) && !std::isnan(v))
                throw ValueError(fmt::format("plot: {}: series '{}' has the value {} on a log axis", stem,
                                             s.name, v));
    }
    std::string data;
    for (std::size_t c = 0; c < chart.categories.size(); ++c) {
        data += data_label(chart.categories[c]);
        for (const BarSeries& s : chart.series) data += " " + number(s.values[c]);
        data += "\n";
    }
    std::string body = labels(chart.title, "", chart.y_label);
    body += "set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset grid ytics\n"
            "set key below\nset xtics nomirror\n";
    body += chart.log_y ? "set logscale y\nset yrange [*:*]\n" : "set yrange [0:*]\n";
    std::string command = "plot ";
    for (std::size_t s = 0; s < chart.series.size(); ++s)
        command += fmt::format("{}data using {}{} title {}", s == 0 ? "" : ", ", s + 2,
                               s == 0 ? ":xtic(1)" : "", quoted(chart.series[s].name));
    return finish_figure(dir, stem, chart.title, chart.width, chart.height, Drawing{data, body + command + "\n"});
}

}  // namespace gradlab::plot
