// `npm run bench`: every benchmark in one run, written to bench/README.md (bench/run.ts). Installs
// npm dependencies when missing; the flags are described at the top of bench/run.ts.
import { ensureDependencies, runTs } from './ensure-deps.mjs';

ensureDependencies();
runTs('bench/run.ts', process.argv.slice(2));
