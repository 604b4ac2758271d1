// `npm run demo`: the whole release pipeline against the local emulator (issue 8). Installs npm
// dependencies when missing, then runs scripts/demo/main.ts; `npm run demo -- --help` for options.
import { ensureDependencies, runTs } from './ensure-deps.mjs';

ensureDependencies();
runTs('scripts/demo/main.ts', process.argv.slice(2));
