/// \file grads.hpp
/// \brief Grads: what a backward function returns, one gradient per input (see Tape::record).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "tensor.hpp"

namespace gradlab {

/// What a backward function may return: one gradient per input, in input order; the tape hands
/// entry i to BackwardArgs::accumulate(i, ...), so it may have the input's shape or the broadcast
/// shape the op computed in. For an input with needs_grad(i) false the entry is ignored, so an op
/// may skip that work and put `Tensor()` there.
///
/// Build it from the gradients themselves, which are moved in (or evaluated in place, for an
/// xtensor expression): `Grads{std::move(dx)}`, `Grads{args.grad * 2.0}`, `Grads{ga, gb}`; or make
/// `Grads out(2)` and assign `out[0]`, `out[1]`.
///
/// Why not std::vector<Tensor>: ops on tiny tensors are dominated by bookkeeping, and a vector
/// costs a heap block per op plus a default-constructed xarray per entry (xtensor 0.24's default
/// xarray allocates one element). Up to kInline gradients live inside a Grads instead.
class Grads {
public:
    /// How many gradients live inline, without a heap block.
    static constexpr std::size_t kInline = 3;

    /// No gradients yet.
    Grads() noexcept {}
    /// n default (0-d) tensors, to be assigned.
    explicit Grads(std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) emplace_back(Tensor());
    }
    /// One entry per argument: tensors are moved or copied in, expressions evaluated in place.
    template <class... T, class = std::enable_if_t<(sizeof...(T) > 0) &&
                                                   (!std::is_integral_v<std::decay_t<T>> && ...)>>
    Grads(T&&... g) {
        (emplace_back(std::forward<T>(g)), ...);
    }
    /// Moves the gradients over; `o` is left empty.
    Grads(Grads&& o) noexcept { take(std::move(o)); }
    /// Moves the gradients over; `o` is left empty.
    Grads& operator=(Grads&& o) noexcept {
        if (this != &o) {
            clear();
            take(std::move(o));
        }
        return *this;
    }
    Grads(const Grads&) = delete;
    Grads& operator=(const Grads&) = delete;
    ~Grads() { clear(); }

    /// Appends one gradient (a Tensor, or an xtensor expression to evaluate).
    template <class T>
    Tensor& emplace_back(T&& g) {
        if (size_ < kInline && heap_.empty()) return *new (slot(size_++)) Tensor(std::forward<T>(g));
        if (heap_.empty()) {  // spill the inline entries first
            heap_.reserve(2 * kInline);
            for (std::size_t k = 0; k < size_; ++k) {
                heap_.push_back(std::move(*slot(k)));
                slot(k)->~Tensor();
            }
        }
        heap_.emplace_back(std::forward<T>(g));
        size_ = heap_.size();
        return heap_.back();
    }

    /// Number of gradients held.
    std::size_t size() const { return size_; }
    /// True if there are none.
    bool empty() const { return size_ == 0; }
    /// Gradient k, 0 <= k < size().
    Tensor& operator[](std::size_t k) { return heap_.empty() ? *slot(k) : heap_[k]; }
    /// Gradient k, 0 <= k < size().
    const Tensor& operator[](std::size_t k) const { return heap_.empty() ? *slot(k) : heap_[k]; }

private:
    Tensor* slot(std::size_t k) { return std::launder(reinterpret_cast<Tensor*>(buf_)) + k; }
    const Tensor* slot(std::size_t k) const { return std::launder(reinterpret_cast<const Tensor*>(buf_)) + k; }
    void destroy_inline() {
        if (heap_.empty())
            for (std::size_t k = 0; k < size_; ++k) slot(k)->~Tensor();
    }
    void clear() {
        destroy_inline();
        heap_.clear();
        size_ = 0;
    }
    void take(Grads&& o) noexcept {
        if (o.heap_.empty()) {
            for (std::size_t k = 0; k < o.size_; ++k) new (slot(k)) Tensor(std::move(*o.slot(k)));
        } else {
            heap_ = std::move(o.heap_);
        }
        size_ = o.size_;
        o.clear();
    }

    alignas(Tensor) unsigned char buf_[kInline * sizeof(Tensor)];
    std::size_t size_ = 0;
    std::vector<Tensor> heap_;  // all entries, once there are more than kInline
};

}  // namespace gradlab
