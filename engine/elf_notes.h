// ElfNotes: a bounds-checked reader of ELF note segments, and the notes of a
// crash dump that Seam understands: NT_PRSTATUS (Linux and QEMU write one per
// CPU), QEMU's "QEMU" CPU state (control registers, segment bases) and
// VMCOREINFO.
//
//   // The bytes of a PT_NOTE segment, or of a kdump sub-header's note area:
//   Result<std::vector<ElfNote>> notes = parse_elf_notes(bytes);
//   for (const ElfNote& note : *notes)
//     if (note.name == "CORE" && note.type == NT_PRSTATUS) use(note.desc);
//
//   Result<DumpNotes> dump = decode_dump_notes(bytes);
//   Registers cpu0 = dump->cpus[0];          // CPUs in note order
//   if (dump->vmcoreinfo) parse(*dump->vmcoreinfo);
//
// Errors say what is wrong and where in the bytes; the caller adds the file.
// Only x86-64 notes are decoded (that is all Seam debugs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/registers.h"
#include "symbolizer/result.h"

namespace seam::engine {

// One note; name and desc point into the bytes given to parse_elf_notes.
struct ElfNote {
  std::string_view name;  // without its terminating NUL
  uint32_t type = 0;
  std::span<const std::byte> desc;
};

// Every note in `data` (ELF64 notes: 4-byte header words, 4-byte alignment).
// A name or desc running past the end is an error; a tail too short to hold a
// note header (zero padding) is ignored.
Result<std::vector<ElfNote>> parse_elf_notes(std::span<const std::byte> data);

// What a dump's notes say.
struct DumpNotes {
  // One entry per CPU, in note order: the i-th NT_PRSTATUS and the i-th QEMU
  // note describe the same CPU. (QEMU's pr_pid is the vCPU index + 1, not a
  // Linux PID, so it is never used to identify anything.)
  std::vector<Registers> cpus;
  std::optional<std::string> vmcoreinfo;  // trailing NULs removed
  std::vector<std::string> warnings;      // notes too short to decode, ...
};

Result<DumpNotes> decode_dump_notes(std::span<const std::byte> data);

// The decoders behind decode_dump_notes, for tests and other note sources.
// Each sets the registers its note carries and returns false if the note is
// too short for its layout.
bool decode_prstatus(std::span<const std::byte> desc, Registers& regs);
bool decode_qemu_cpu_state(std::span<const std::byte> desc, Registers& regs);

}  // namespace seam::engine
