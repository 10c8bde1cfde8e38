// The GPUs section of `gpulet doctor`: each GPU of the inventory with its
// MIG state and MIG devices, its health as the device plugin will start
// with it (a GPU NVML could not read completely is Unhealthy), and a fix
// for each problem — a lost GPU (NVML_ERROR_GPU_IS_LOST, Xid 79), a pending
// MIG mode, a MIG-enabled GPU without MIG devices, a missing device node.
//
// Pure function of the Inventory; thread-compatible.
#ifndef GPULET_DOCTOR_GPU_CHECKS_H_
#define GPULET_DOCTOR_GPU_CHECKS_H_

#include <string>

#include "doctor/doctor_report.h"
#include "inventory/inventory.h"

namespace gpulet::doctor {

// "lost" when NVML said the GPU fell off the bus, "unreadable" for any
// other problem, "healthy" when there is none.
std::string GpuHealth(const inventory::Gpu& gpu);

// The operator's one-line fix for `gpu`'s problem.
std::string GpuFix(const inventory::Gpu& gpu);

// Adds the GPUs section. A node with no GPU at all is a blocking problem;
// single GPUs with problems are not (the resources section says what they
// cost).
void CheckGpus(const inventory::Inventory& inventory, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_GPU_CHECKS_H_
