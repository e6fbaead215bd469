/// \file plot.hpp
/// \brief A small gnuplot driver for the examples' figures: line plots of several named series
/// (loss curves, step-size sweeps) and heatmaps of a 2-D grid (loss landscapes).
///
/// Two ways out, one drawing: write_figure() keeps the data file and the gnuplot script beside the
/// images, so a reader can re-plot; draw() makes the same figure as one image and nothing else.
/// draw() writes the numbers and the script into a private temporary directory, runs `gnuplot` on
/// them, and moves the finished image into place with a rename, so the file at `path` is either
/// the old one or the complete new one, never half-written. The format follows the extension:
/// `.png` (pngcairo terminal) or `.svg`.
///
/// Without gnuplot on the PATH, draw() throws gradlab::IoError saying so; call
/// gnuplot_available() first to skip plotting quietly instead.
///
/// This header does not include xtensor: pass a Tensor's values as
/// `std::vector<double>(t.begin(), t.end())`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <gradlab/autodiff/error.hpp>

namespace gradlab::plot {

/// One named curve: points (x[i], y[i]), drawn in order. Non-finite y values leave a gap.
struct Series {
    /// The legend entry.
    std::string name;
    /// Abscissae, as many as `y`.
    std::vector<double> x;
    /// Ordinates.
    std::vector<double> y;
};

/// Several series on shared axes.
struct LinePlot {
    /// The title above the plot (may be empty).
    std::string title;
    /// The x axis label.
    std::string x_label;
    /// The y axis label.
    std::string y_label;
    /// Logarithmic x axis (step sizes span decades); non-positive x values are then skipped.
    bool log_x = false;
    /// Logarithmic y axis (losses that fall by orders of magnitude).
    bool log_y = false;
    /// The curves; at least one, each with at least one point.
    std::vector<Series> series;
    /// Image width in pixels.
    std::size_t width = 800;
    /// Image height in pixels.
    std::size_t height = 600;
};

/// A function sampled on a regular grid, drawn as coloured cells: `values[r * cols + c]` is the
/// value at \f$ x = x_{min} + c \, (x_{max} - x_{min}) / (cols - 1) \f$ and
/// \f$ y = y_{min} + r \, (y_{max} - y_{min}) / (rows - 1) \f$ (row 0 at the bottom).
struct Heatmap {
    /// The title above the plot (may be empty).
    std::string title;
    /// The x axis label.
    std::string x_label;
    /// The y axis label.
    std::string y_label;
    /// The colour bar's label.
    std::string value_label;
    /// Grid rows (y samples), at least 2.
    std::size_t rows = 0;
    /// Grid columns (x samples), at least 2.
    std::size_t cols = 0;
    /// rows * cols values, row-major, all finite.
    std::vector<double> values;
    /// The x of column 0.
    double x_min = 0.0;
    /// The x of the last column; greater than x_min.
    double x_max = 1.0;
    /// The y of row 0.
    double y_min = 0.0;
    /// The y of the last row; greater than y_min.
    double y_max = 1.0;
    /// Image width in pixels.
    std::size_t width = 800;
    /// Image height in pixels.
    std::size_t height = 600;
};

/// True if an executable `gnuplot` is on the PATH.
bool gnuplot_available();

/// Draws `plot` into `path` (`.png` or `.svg`), as write_figure() draws a LineFigure of it. Throws ValueError for an inconsistent plot or an
/// unknown extension, and IoError if gnuplot is missing, fails (its messages are included), or the
/// image cannot be moved into place; `path` is left untouched in every failure.
void draw(const LinePlot& plot, const std::string& path);

/// Draws `map` into `path` (`.png` or `.svg`), as write_figure() draws a HeatmapFigure of it
/// (12 contour levels); errors as for the line plot.
void draw(const Heatmap& map, const std::string& path);

}  // namespace gradlab::plot

// ---------------------------------------------------------------------------------------------
// Figures a user can re-plot: data file and gnuplot script side by side (landscape figures)
// ---------------------------------------------------------------------------------------------

namespace gradlab::plot {

/// Points drawn over a figure: an optimizer's path on a heatmap, or marked points on a curve.
struct Overlay {
    /// The legend entry (empty: none).
    std::string name;
    /// Abscissae, as many as `y`.
    std::vector<double> x;
    /// Ordinates.
    std::vector<double> y;
    /// Empty, or one text per point, printed beside it ("1e-06", "start", ...).
    std::vector<std::string> labels;
    /// Connect the points in order (a path); otherwise only the markers.
    bool lines = true;
};

/// A line plot with marked points. The curves are drawn as lines (no point markers).
struct LineFigure {
    /// The curves, titles and axes; `plot.series` must not be empty.
    LinePlot plot;
    /// Draw the last series thick and black, on top (a total over the other series), the
    /// others thin and dashed.
    bool emphasize_last = false;
    /// Where the legend goes, in gnuplot's words ("top right", "top center", "bottom left", ...).
    std::string key = "top right";
    /// Points marked on the curves.
    std::vector<Overlay> marks;
};

/// A heatmap coloured from blue (low) to red (high), with contour lines and paths over it.
struct HeatmapFigure {
    /// The grid, titles and axes.
    Heatmap map;
    /// Number of contour levels gnuplot picks evenly over the value range (0: no contours).
    std::size_t contours = 12;
    /// Paths and points drawn over the map, in order.
    std::vector<Overlay> overlays;
};

/// What write_figure() left in the directory.
struct FigureFiles {
    /// `dir/stem.dat`: the numbers, one data block per item (gnuplot `index`).
    std::string data;
    /// `dir/stem.gp`: the gnuplot script; `cd dir && gnuplot stem.gp` redraws both images.
    std::string script;
    /// `dir/stem.png` and `dir/stem.svg` when gnuplot drew them; empty without gnuplot.
    std::vector<std::string> images;
    /// Empty when the images were drawn; otherwise one line saying how to render them.
    std::string message;
};

/// Writes `figure` as `dir/stem.dat` and `dir/stem.gp` (a self-contained script that reads the
/// data file by its relative name and writes `stem.png` (pngcairo) and `stem.svg`), then, if
/// gnuplot is on the PATH, draws both images. Every file is written to a temporary name and
/// renamed into place. Without gnuplot, the data and script are still written and
/// FigureFiles::message says how to render them. Throws ValueError for an inconsistent figure or a
/// stem that is not a plain file name, IoError if `dir` does not exist or gnuplot fails.
FigureFiles write_figure(const LineFigure& figure, const std::string& dir, const std::string& stem);

/// The same for a heatmap: the grid is data block 0 (x y value per line, a blank line between
/// scan lines), overlay k is block k + 1.
FigureFiles write_figure(const HeatmapFigure& figure, const std::string& dir, const std::string& stem);

}  // namespace gradlab::plot

// ---------------------------------------------------------------------------------------------
// Bar charts (benchmark medians)
// ---------------------------------------------------------------------------------------------

namespace gradlab::plot {

/// One colour of bars: one value per category of the chart (NaN: no bar there).
struct BarSeries {
    /// The legend entry.
    std::string name;
    /// One value per BarChart::categories entry.
    std::vector<double> values;
};

/// Grouped bars: a group per category along the x axis, a bar per series in each group.
struct BarChart {
    /// The title above the chart (may be empty).
    std::string title;
    /// The y axis label.
    std::string y_label;
    /// The groups' labels, left to right.
    std::vector<std::string> categories;
    /// The bars of each group, in legend order; at least one.
    std::vector<BarSeries> series;
    /// Logarithmic y axis (values spanning decades); values must then be positive.
    bool log_y = false;
    /// Image width in pixels.
    std::size_t width = 800;
    /// Image height in pixels.
    std::size_t height = 560;
};

/// Writes `chart` as `dir/stem.dat` (one line per category: its label, then one value per
/// series) and `dir/stem.gp`, then draws `stem.png` and `stem.svg` as write_figure() does for
/// the other figures. Throws ValueError for no categories or series, a series whose length differs
/// from the categories', or a non-positive value on a log axis; IoError as write_figure().
FigureFiles write_figure(const BarChart& chart, const std::string& dir, const std::string& stem);

}  // namespace gradlab::plot
