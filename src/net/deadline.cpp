#include "net/deadline.hpp"

namespace certgate::net {

Deadline::Deadline(DeadlineWatch& watch, tcp_socket& socket) : watch_(&watch), socket_(&socket) { watch_->add(this); }

Deadline::~Deadline() { watch_->remove(this); }

DeadlineWatch::DeadlineWatch(asio::io_context& ioc, std::chrono::milliseconds tick)
    : timer_(std::make_unique<steady_timer>(ioc)), tick_(tick) {}

DeadlineWatch::~DeadlineWatch() = default;

void DeadlineWatch::add(Deadline* d) {
  d->next_ = head_;
  d->prev_ = nullptr;
  if (head_) head_->prev_ = d;
  head_ = d;
  ++size_;
}

void DeadlineWatch::remove(Deadline* d) {
  if (d->prev_) d->prev_->next_ = d->next_;
  else if (head_ == d) head_ = d->next_;
  if (d->next_) d->next_->prev_ = d->prev_;
  d->prev_ = d->next_ = nullptr;
  --size_;
}

void DeadlineWatch::start() {
  if (running_) return;
  running_ = true;
  arm();
}

void DeadlineWatch::stop() {
  running_ = false;
  timer_.reset();
}

void DeadlineWatch::arm() {
  if (!timer_) return;
  timer_->expires_after(tick_);
  timer_->async_wait([this](const error_code& ec) {
    if (ec || !running_) return;
    check(Deadline::Clock::now());
    arm();
  });
}

void DeadlineWatch::check(Deadline::Clock::time_point now) {
  for (Deadline* d = head_; d != nullptr; d = d->next_) {
    if (d->expired_ || d->at_ > now) continue;
    d->expired_ = true;
    error_code ignored;
    d->socket_->cancel(ignored);
  }
}

}  // namespace certgate::net
