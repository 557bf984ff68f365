/** Run before `npm start`: installs the Temporal CLI when it is missing (the tests' pre-step installs both binaries). */
import { ensureTemporalBinaries } from '../src/embedded/temporal-binaries';

if (!process.env.TEMPORAL_ADDRESS) {
  try {
    ensureTemporalBinaries({ testServer: false });
  } catch (error) {
    console.error(`[opsdesk] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
