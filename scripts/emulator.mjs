// `npm run emulator -- --port PORT`: the patched emulator in the foreground until interrupted.
import { ensureDependencies, runTs } from './ensure-deps.mjs';

ensureDependencies();
runTs('scripts/emulator.ts', process.argv.slice(2));
