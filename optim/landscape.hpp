/// \file landscape.hpp
/// \brief Loss landscapes: the loss along a line and across a plane through the weights.
///
/// A linear classifier on CIFAR-10 has 30,730 weights, so its loss lives in a space nobody can
/// picture. The notes (optimization-1, "visualizing the loss function") look at it through a
/// slit instead: pick a point W and a random direction \f$ D_1 \f$ and record
/// \f$ L(W + a D_1) \f$ for many a -- a curve -- or add a second direction and record
/// \f$ L(W + a D_1 + b D_2) \f$ over a grid of (a, b) -- a heatmap. For the SVM loss of one
/// example the picture is angular (a sum of hinges, each a linear piece clamped at zero); averaged
/// over many examples the corners blur into a bowl.
///
/// Two ways to compute a slice:
/// - **generic** (landscape_1d(), landscape_2d()): any loss callable of the weights; every grid
///   point is one full loss evaluation (for a linear classifier, one \f$ N \times D \times C \f$
///   product). Grid points are spread over std::threads.
/// - **linear scores** (linear_landscape_1d(), linear_landscape_2d()): when the loss only sees
///   the weights through the scores \f$ S = X W \f$, the slice is
///   \f$ S(a, b) = X W + a \, X D_1 + b \, X D_2 \f$. The three score matrices are computed once;
///   every grid point then costs \f$ O(N C) \f$, not \f$ O(N D C) \f$. The loss is given as a
///   callable of a block of scores (RowsLossFn), so this file needs no loss function of its own.
///
/// Directions are drawn from a seed (the same seed gives the same direction everywhere) and can be
/// rescaled to the weights' own size, per row or per column ("filter normalization", Li et al.
/// 2018, *Visualizing the Loss Landscape of Neural Nets*), so that slices through differently
/// scaled models are drawn to comparable scales.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

#include <gradlab/autodiff/tensor.hpp>

namespace gradlab::optim {

// ---------------------------------------------------------------------------------------------
// Directions
// ---------------------------------------------------------------------------------------------

/// How a direction is scaled relative to the weights W it is added to.
enum class DirectionNorm {
    none,        ///< keep the direction as drawn
    whole,       ///< scale the whole direction to \f$ \|W\|_F \f$
    per_row,     ///< scale each row \f$ d_i \f$ to \f$ \|w_i\| \f$ (rows of a 2-D W)
    per_column,  ///< scale each column to W's column norm: per class for scores \f$ S = X W \f$
};

/// `d` rescaled to `w`'s size as `how` says: e.g. for per_row,
/// \f$ d_i \leftarrow d_i \, \|w_i\| / \|d_i\| \f$ for each row i (Li et al.'s filter
/// normalization). A row (column) of `d` that is all zero stays zero. Throws ShapeError unless d
/// and w have the same shape, and unless they are 2-D for per_row / per_column.
Tensor normalize_direction(const Tensor& d, const Tensor& w, DirectionNorm how);

/// A random direction of `w`'s shape: standard normal entries drawn by gradlab::randn from a
/// std::mt19937_64 seeded with `seed` (the same seed, the same direction), then scaled by
/// normalize_direction(). Two directions for a plane: use two seeds.
Tensor random_direction(const Tensor& w, std::uint64_t seed, DirectionNorm how = DirectionNorm::none);

// ---------------------------------------------------------------------------------------------
// Grids and results
// ---------------------------------------------------------------------------------------------

/// `n` evenly spaced values from `lo` to `hi`, both included (n >= 2; n == 1 gives {lo}).
/// Throws ValueError for n == 0 or above kMaxTensorElements, non-finite ends, or hi < lo.
std::vector<double> linspace(double lo, double hi, std::size_t n);

/// `n` values from `lo` to `hi` (both > 0) evenly spaced on a log scale, both ends included.
/// Throws ValueError (naming logspace) as linspace() does, and for an end that is not positive.
std::vector<double> logspace(double lo, double hi, std::size_t n);

/// A progress report: `done` of `total` grid points evaluated. Called from the calling thread
/// only, after each of its own points and once at the end with done == total.
using GridProgressFn = std::function<void(std::size_t done, std::size_t total)>;

/// How a slice is evaluated.
struct LandscapeOptions {
    /// Threads evaluating grid points (0 = one per core). With more than one, the loss callable is
    /// called concurrently and must be safe for that (a pure function of its argument is); while
    /// the threads run, OpenBLAS (if it is the BLAS) is pinned to one thread and restored after.
    unsigned threads = 2;
    /// Called as points finish (may be empty). See grid_progress() for a ready-made bar.
    GridProgressFn progress;
};

/// The loss along a line: `loss[k]` = \f$ L(W + \alpha_k D_1) \f$.
struct Landscape1d {
    std::vector<double> alphas;  ///< the offsets a along the direction
    std::vector<double> loss;    ///< one loss per alpha
};

/// The loss across a plane: `loss[r * alphas.size() + c]` =
/// \f$ L(W + \alpha_c D_1 + \beta_r D_2) \f$ (row r is one beta, as a heatmap's rows are y).
struct Landscape2d {
    std::vector<double> alphas;  ///< offsets along \f$ D_1 \f$ (columns, the x axis)
    std::vector<double> betas;   ///< offsets along \f$ D_2 \f$ (rows, the y axis)
    std::vector<double> loss;    ///< betas.size() * alphas.size() values, row-major
    /// The loss at grid point (alpha index c, beta index r).
    double at(std::size_t c, std::size_t r) const { return loss[r * alphas.size() + c]; }
};

/// A loss as a function of the weights (any shape).
using WeightLossFn = std::function<double(const Tensor& w)>;

/// A data loss of linear scores as the fast path sees it: the **sum** of the per-example losses
/// \f$ \sum_i L_i(s_i) \f$ over a block of `rows` consecutive examples, starting at example
/// `first_row` of the data set, whose scores are `scores[i * classes + j]` (row-major, rows x
/// classes). The slice divides the total by N, so the data loss is the mean
/// \f$ \frac{1}{N} \sum_i L_i \f$ as in the notes. The losses library's row kernels
/// (losses::svm_loss_grad_rows, losses::softmax_loss_grad_rows) have exactly this shape once the
/// labels are bound: `labels.data() + first_row`.
using RowsLossFn = std::function<double(const double* scores, std::size_t first_row,
                                        std::size_t rows, std::size_t classes)>;

// ---------------------------------------------------------------------------------------------
// The generic path: any loss of the weights
// ---------------------------------------------------------------------------------------------

/// \f$ L(W + \alpha D_1) \f$ for each alpha. Throws ShapeError if d1's shape differs from w's,
/// ValueError for an empty alpha list, non-finite w, d1 or alphas, or an empty `loss` function. A non-finite loss is
/// recorded, not thrown (a slice may well run into an overflow). An exception from `loss` stops
/// the evaluation and is rethrown.
Landscape1d landscape_1d(const WeightLossFn& loss, const Tensor& w, const Tensor& d1,
                         const std::vector<double>& alphas, const LandscapeOptions& options = {});

/// \f$ L(W + \alpha D_1 + \beta D_2) \f$ over the grid alphas x betas. Errors as landscape_1d().
Landscape2d landscape_2d(const WeightLossFn& loss, const Tensor& w, const Tensor& d1,
                         const Tensor& d2, const std::vector<double>& alphas,
                         const std::vector<double>& betas, const LandscapeOptions& options = {});

// ---------------------------------------------------------------------------------------------
// The fast path: linear scores S = X W
// ---------------------------------------------------------------------------------------------

/// The slice of a per-example data loss of the scores \f$ S = X W \f$ along \f$ D_1 \f$:
/// \f$ S(\alpha) = X W + \alpha X D_1 \f$. `x` is (N, D), `w` and `d1` (D, C). The two score
/// matrices are computed once (dgemm); after that each grid point costs \f$ O(N C) \f$. The
/// work runs block of examples by block, all of a thread's grid points per block, so the score
/// blocks stay in cache; every point's sum is taken in the same block order whatever the number
/// of threads. Equals landscape_1d() of the same loss as a function of W up to rounding.
/// Throws ShapeError for mismatched shapes, no examples or no classes, ValueError as landscape_1d().
Landscape1d linear_landscape_1d(const RowsLossFn& loss, const Tensor& x, const Tensor& w,
                                const Tensor& d1, const std::vector<double>& alphas,
                                const LandscapeOptions& options = {});

/// The plane through the scores: \f$ S(\alpha, \beta) = X W + \alpha X D_1 + \beta X D_2 \f$,
/// three score matrices once, then \f$ O(N C) \f$ per point. Errors as linear_landscape_1d().
Landscape2d linear_landscape_2d(const RowsLossFn& loss, const Tensor& x, const Tensor& w,
                                const Tensor& d1, const Tensor& d2,
                                const std::vector<double>& alphas, const std::vector<double>& betas,
                                const LandscapeOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Trajectories on a plane
// ---------------------------------------------------------------------------------------------

/// A plane in weight space: the points \f$ O + a D_1 + b D_2 \f$.
struct Plane {
    Tensor origin;  ///< O
    Tensor d1;      ///< first axis
    Tensor d2;      ///< second axis, orthogonal to d1
};

/// The plane through an optimizer's path that shows it best: origin at the first point,
/// \f$ D_1 \f$ = last point minus first (so the path runs from (0, 0) to (1, 0)), and
/// \f$ D_2 \f$ the path's largest sideways excursion -- the point farthest from the straight
/// line, minus its part along \f$ D_1 \f$ -- scaled to \f$ \|D_1\| \f$. A straight path has no
/// sideways part; then \f$ D_2 \f$ is a random direction (from `seed`) made orthogonal to
/// \f$ D_1 \f$. Throws ValueError for fewer than two points, a path that ends where it starts,
/// or points of different shapes or of fewer than two elements, where no plane fits (ShapeError).
Plane trajectory_plane(const std::vector<Tensor>& path, std::uint64_t seed = 0);

/// A path's coordinates on a plane: the least-squares (a, b) of each point, with how far each
/// point lies off the plane.
struct PlaneCoordinates {
    std::vector<double> a;         ///< coordinate along d1
    std::vector<double> b;         ///< coordinate along d2
    std::vector<double> off_plane; ///< \f$ \|P - (O + a D_1 + b D_2)\| \f$, 0 for points on it
};

/// Projects each point P of `path` onto `plane`: solves the 2x2 normal equations of
/// \f$ \min_{a,b} \|P - O - a D_1 - b D_2\| \f$. Throws ShapeError for a point of another shape,
/// ValueError if d1 and d2 are parallel or zero.
PlaneCoordinates project_onto_plane(const Plane& plane, const std::vector<Tensor>& path);

/// A GridProgressFn that draws "landscape [#####.....] 5000/10201 points | ETA 00:02" on
/// `out`: redrawn in place on a terminal (at most every 0.1 s, finished with a newline), or a
/// plain line at each further 25 % otherwise. Grids that finish within `quiet_s` seconds print
/// nothing at all. One printer serves several grids in turn: a report after a grid finished
/// starts the next grid's clock.
GridProgressFn grid_progress(std::ostream& out, bool terminal, double quiet_s = 1.0);

}  // namespace gradlab::optim
