// ReleaseProgramPages: gives the kernel back the resident pages of the
// read-only segments (code, rodata) of the program and every library it
// has loaded.
//
// Starting up (flag parsing, gRPC's and protobuf's static registration, the
// first inventory) runs code that an idle agent never runs again, and the
// kernel maps file pages in 64 KiB windows around each fault: after
// registration about 7 MiB of the static binary is resident, of which the
// device plugin serving a ListAndWatch stream uses some 4.5 MiB.
// MADV_PAGEOUT (Linux 5.4) unmaps the pages; one touched again is faulted
// back in from the page cache, or from disk when the kernel dropped it
// (the first calls after are slower by that). MADV_RANDOM then stops the
// kernel from reading ahead and mapping 64 KiB around each such fault, so
// what comes back is the code that runs, not its neighbours: the idle
// plugin serving ListAndWatch holds 1.7 MiB of the binary instead of 4.5.
// Pages other processes map too (a shared libc) are left alone.
//
// Thread-safe; call once startup is over. Best effort: failures (EINVAL
// before Linux 5.4) are ignored.
#ifndef GPULET_BASE_PROGRAM_PAGES_H_
#define GPULET_BASE_PROGRAM_PAGES_H_

namespace gpulet {

void ReleaseProgramPages();

}  // namespace gpulet

#endif  // GPULET_BASE_PROGRAM_PAGES_H_
