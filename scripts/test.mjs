// `npm test`: installs what is missing (npm dependencies, the pinned emulator), then runs
// the unit tests, the emulator's own tests and the end-to-end tests of the committed bundles.
import { ensureDependencies, runTs } from './ensure-deps.mjs';

ensureDependencies();
runTs('scripts/run-tests.ts', process.argv.slice(2));
