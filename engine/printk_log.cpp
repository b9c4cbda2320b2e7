#include "engine/printk_log.h"

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// enum desc_state values (printk_ringbuffer.h); read from DWARF when possible.
constexpr int64_t kDescCommitted = 1;
constexpr int64_t kDescFinalized = 2;
// Bound on the descriptors read, far above any ring the kernel allows
// (CONFIG_LOG_BUF_SHIFT <= 25 gives at most 2^23 descriptors).
constexpr uint64_t kMaxDescriptors = 1ULL << 24;

struct Layout {
  Member desc_ring, text_data_ring;
  Member count_bits, descs, infos, head_id, tail_id;
  Member size_bits, data;
  Member state_var, text_blk_lpos, lpos_begin, lpos_next;
  Member seq, ts_nsec, text_len, facility, level;
  uint64_t desc_size = 0, info_size = 0;
};

Result<Layout> read_layout(LinuxKernel& kernel) {
  Layout l;
  struct Want {
    Member* into;
    const char* type;
    const char* path;
  };
  const Want wants[] = {
      {&l.desc_ring, "printk_ringbuffer", "desc_ring"},
      {&l.text_data_ring, "printk_ringbuffer", "text_data_ring"},
      {&l.count_bits, "prb_desc_ring", "count_bits"},
      {&l.descs, "prb_desc_ring", "descs"},
      {&l.infos, "prb_desc_ring", "infos"},
      {&l.head_id, "prb_desc_ring", "head_id"},
      {&l.tail_id, "prb_desc_ring", "tail_id"},
      {&l.size_bits, "prb_data_ring", "size_bits"},
      {&l.data, "prb_data_ring", "data"},
      {&l.state_var, "prb_desc", "state_var"},
      {&l.text_blk_lpos, "prb_desc", "text_blk_lpos"},
      {&l.lpos_begin, "prb_data_blk_lpos", "begin"},
      {&l.lpos_next, "prb_data_blk_lpos", "next"},
      {&l.seq, "printk_info", "seq"},
      {&l.ts_nsec, "printk_info", "ts_nsec"},
      {&l.text_len, "printk_info", "text_len"},
      {&l.facility, "printk_info", "facility"},
      {&l.level, "printk_info", "level"},
  };
  for (const Want& want : wants) {
    Result<Member> m = kernel.member(want.type, want.path);
    if (!m) {
      return m.error().context("this kernel has no lockless printk ring buffer (Linux 5.10+)");
    }
    *want.into = *m;
  }
  Result<uint64_t> desc_size = kernel.type_size("prb_desc");
  Result<uint64_t> info_size = kernel.type_size("printk_info");
  if (!desc_size || !info_size) return Error("cannot size prb_desc / printk_info");
  l.desc_size = *desc_size;
  l.info_size = *info_size;
  return l;
}

}  // namespace

Result<std::vector<LogRecord>> read_printk_log(LinuxKernel& kernel) {
  Result<Layout> layout = read_layout(kernel);
  if (!layout) return layout.error();
  const Layout& l = *layout;
  KernelMemory& memory = kernel.memory();
  auto context = [](const Error& e) { return e.context("reading the kernel log (prb)"); };

  Result<uint64_t> prb_symbol = kernel.symbol_address("prb");
  if (!prb_symbol) return context(prb_symbol.error());
  Result<uint64_t> prb = memory.read_u64(*prb_symbol);
  if (!prb) return context(prb.error());
  uint64_t desc_ring = *prb + l.desc_ring.offset;
  uint64_t data_ring = *prb + l.text_data_ring.offset;

  Result<uint64_t> count_bits =
      memory.read_unsigned(desc_ring + l.count_bits.offset, l.count_bits.size);
  Result<uint64_t> descs = memory.read_u64(desc_ring + l.descs.offset);
  Result<uint64_t> infos = memory.read_u64(desc_ring + l.infos.offset);
  Result<uint64_t> head_id = memory.read_u64(desc_ring + l.head_id.offset);
  Result<uint64_t> tail_id = memory.read_u64(desc_ring + l.tail_id.offset);
  Result<uint64_t> size_bits =
      memory.read_unsigned(data_ring + l.size_bits.offset, l.size_bits.size);
  Result<uint64_t> data = memory.read_u64(data_ring + l.data.offset);
  for (const auto* r : {&count_bits, &descs, &infos, &head_id, &tail_id, &size_bits, &data}) {
    if (!*r) return context(r->error());
  }
  if (*count_bits > 24 || *size_bits > 40) {
    return Error(sformat("the printk ring buffer at 0x%" PRIx64 " is corrupt (count_bits %" PRIu64
                         ", size_bits %" PRIu64 ")",
                         *prb, *count_bits, *size_bits));
  }
  const uint64_t desc_mask = (1ULL << *count_bits) - 1;
  const uint64_t data_mask = (1ULL << *size_bits) - 1;
  // state_var: the descriptor id in the low bits, the state in the top two.
  constexpr int kFlagsShift = 62;
  constexpr uint64_t kIdMask = ~(3ULL << kFlagsShift);

  int64_t committed = kDescCommitted;
  int64_t finalized = kDescFinalized;
  if (DwarfTypes* types = kernel.vmlinux().types()) {
    if (auto v = types->enumerator("desc_committed", {"prb_read_valid"})) committed = *v;
    if (auto v = types->enumerator("desc_finalized", {"prb_read_valid"})) finalized = *v;
  }

  // The text data ring is read whole, once: records are small and many.
  std::vector<char> text_ring(static_cast<size_t>(data_mask + 1));
  if (auto ok = memory.read(*data, std::as_writable_bytes(std::span(text_ring))); !ok) {
    return context(ok.error());
  }

  std::vector<LogRecord> records;
  auto add_record = [&](uint64_t id) -> Result<void> {
    uint64_t index = id & desc_mask;
    uint64_t desc = *descs + index * l.desc_size;
    Result<uint64_t> state_var = memory.read_u64(desc + l.state_var.offset);
    if (!state_var) return state_var.error();
    auto state = static_cast<int64_t>(*state_var >> kFlagsShift);
    if ((*state_var & kIdMask) != id || (state != committed && state != finalized)) return {};
    Result<uint64_t> begin = memory.read_u64(desc + l.text_blk_lpos.offset + l.lpos_begin.offset);
    Result<uint64_t> next = memory.read_u64(desc + l.text_blk_lpos.offset + l.lpos_next.offset);
    if (!begin || !next) return (begin ? next : begin).error();
    // Data blocks start with the descriptor id; a block that would wrap is
    // stored whole at the start of the ring.
    uint64_t start = (*begin & data_mask) + 8;
    uint64_t end = *next & data_mask;
    if (start == end) return {};  // a data-less record
    if (start > end) start = 8;
    uint64_t info = *infos + index * l.info_size;
    auto info_field = [&](const Member& m) {
      return memory.read_unsigned(info + m.offset, m.size);
    };
    Result<uint64_t> text_len = info_field(l.text_len);
    Result<uint64_t> seq = info_field(l.seq);
    Result<uint64_t> ts = info_field(l.ts_nsec);
    if (!text_len || !seq || !ts) return (!text_len ? text_len : !seq ? seq : ts).error();
    uint64_t length = std::min(*text_len, end - start);
    if (end > text_ring.size()) return {};
    LogRecord record;
    record.sequence = *seq;
    record.timestamp_ns = *ts;
    record.text.assign(text_ring.data() + start, length);
    // level (3 bits) and facility share bytes with flags: read as bit fields.
    if (Result<uint64_t> level = kernel.read_member(info, "printk_info", "level")) {
      record.level = static_cast<int>(*level);
    }
    if (Result<uint64_t> facility = info_field(l.facility))
      record.facility = static_cast<int>(*facility);
    records.push_back(std::move(record));
    return {};
  };

  uint64_t id = *tail_id;
  for (uint64_t n = 0; n < kMaxDescriptors; ++n) {
    if (auto ok = add_record(id); !ok) return context(ok.error());
    if (id == *head_id) return records;
    id = (id + 1) & kIdMask;
  }
  return Error(sformat("the printk ring buffer at 0x%" PRIx64 " does not end (tail %" PRIu64
                       ", head %" PRIu64 ")",
                       *prb, *tail_id, *head_id));
}

}  // namespace seam::engine
