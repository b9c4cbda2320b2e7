// seam-baremetal, the C++ part: freestanding (-fno-exceptions -fno-rtti),
// called from Rust (rust_tick -> bm_cpp_schedule) and calling back into Rust
// (rust_measure) for every job it runs.
//
//   bm_cpp_schedule
//    -> seam::kernel::Scheduler::run()             (a method of a derived class)
//     -> seam::kernel::Scheduler::dispatch(...)    (inline method, inlined)
//      -> seam::kernel::Ring<unsigned, 8>::sum()   (template instance, inlined)
//      -> rust_measure (Rust)
#include "baremetal.h"

namespace seam::kernel {

// A base class with a virtual method, and a derived class in the namespace.
class Device {
public:
	constexpr Device(const char *name, uint32_t irq) : name_(name), irq_(irq) {}
	virtual uint32_t poll(uint32_t tick) const { return tick + irq_; }
	const char *name() const { return name_; }
	uint32_t irq() const { return irq_; }

protected:
	const char *name_;
	uint32_t irq_;
};

template <typename T, unsigned N>
class Ring {
public:
	inline void push(T value)
	{
		items_[(head_ + count_) % N] = value;
		if (count_ < N)
			count_++;
		else
			head_ = (head_ + 1) % N;
	}
	inline T sum() const
	{
		T total{};
		for (unsigned i = 0; i < count_; i++)
			total += items_[(head_ + i) % N];
		return total;
	}
	unsigned size() const { return count_; }
	const T *data() const { return items_; }

private:
	T items_[N]{};
	unsigned head_ = 0;
	unsigned count_ = 0;
};

class Scheduler : public Device {
public:
	Scheduler(uint32_t tick, uint32_t irq) : Device("sched", irq), tick_(tick) {}

	uint32_t poll(uint32_t tick) const override { return tick * 2 + irq_; }

	__attribute__((noinline)) uint64_t run(const uint32_t *readings, size_t count);

private:
	// Inline: the call to Rust appears as an inlined frame of run().
	inline uint32_t dispatch(uint32_t id, const Ring<uint32_t, 8> &ring, const char *name)
	{
		bm_job job{id, poll(tick_) + ring.sum() % 7, ring.data(), ring.size(), name};
		bm_observe(&job, sizeof job);
		return rust_measure(&job);
	}

	uint32_t tick_;
};

uint64_t Scheduler::run(const uint32_t *readings, size_t count)
{
	Ring<uint32_t, 8> ring;
	for (size_t i = 0; i < count; i++)
		ring.push(readings[i] + tick_);
	bm_observe(&ring, sizeof ring);
	const Device &self = *this;
	uint64_t total = self.poll(tick_);
	total += dispatch(tick_ % 3, ring, "ring-job");
	return total;
}

}  // namespace seam::kernel

extern "C" uint64_t bm_cpp_schedule(uint32_t tick, const uint32_t *readings, size_t count)
{
	seam::kernel::Scheduler scheduler(tick, 4);
	bm_observe(&scheduler, sizeof scheduler);
	return scheduler.run(readings, count);
}

// Called if a pure virtual function ever is; there are none, but the ABI wants it.
extern "C" void __cxa_pure_virtual()
{
	bm_panic_halt("pure virtual call", 17);
}
