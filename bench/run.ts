// `npm run bench`: every benchmark, each printing its figures and its ratio to a peer measured in the
// same run.

import { benchAssembler } from "./asm.js";
import { benchFiles } from "./files.js";
import { benchKernel } from "./kernel.js";
import { benchProcesses } from "./processes.js";
import { report } from "./report.js";
import { benchSim } from "./sim.js";
import { benchSwap } from "./swap.js";

report("assembler", benchAssembler());
report("machine and kernel", benchKernel());
report("processes and address spaces", benchProcesses());
report("files", benchFiles());
report("vmos sim", benchSim());
report("swap", benchSwap());
