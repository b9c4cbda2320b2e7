// seam_resolve_location BINARY LOCATION...: prints, for each LOCATION (a
// function or FILE:LINE), one line per breakpoint address:
//   LOCATION<TAB>0xADDR<TAB>SYMBOL+0xOFF<TAB>FUNCTION<TAB>FILE:LINE
// or LOCATION<TAB>error<TAB>MESSAGE. SYMBOL+0xOFF (from the ELF symbols) lets
// a .ko be compared with gdb, which places its sections elsewhere. The Seam
// side of tests/integration/test_source_locations.py (gdb is the other).
#include <cinttypes>
#include <cstdio>

#include "symbolizer/binary.h"
#include "symbolizer/printf_format.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: seam_resolve_location BINARY LOCATION...\n");
    return 2;
  }
  auto binary = seam::Binary::open(argv[1], {});
  if (!binary) {
    std::fprintf(stderr, "seam_resolve_location: %s\n", binary.error().message().c_str());
    return 1;
  }
  seam::SourceLocations& locations = (*binary)->source_locations();
  for (int i = 2; i < argc; ++i) {
    auto found = locations.resolve(argv[i]);
    if (!found) {
      std::printf("%s\terror\t%s\n", argv[i], found.error().message().c_str());
      continue;
    }
    for (const seam::BreakpointLocation& b : *found) {
      std::string symbol = "?";
      if (auto match = (*binary)->symbols().lookup(b.address)) {
        symbol = seam::sformat("%.*s+0x%" PRIx64, static_cast<int>(match->name.size()),
                               match->name.data(), match->offset);
      }
      std::printf("%s\t0x%" PRIx64 "\t%s\t%s\t%s:%u\n", argv[i], b.address, symbol.c_str(),
                  b.function.c_str(), b.file.c_str(), b.line);
    }
  }
  return 0;
}
