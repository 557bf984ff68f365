/** Run before `npm start` and `npm test`: installs the Temporal binaries when they are missing. */
import { ensureTemporalBinaries } from '../src/embedded/temporal-binaries';

if (!process.env.TEMPORAL_ADDRESS || process.argv.includes('--with-test-server')) {
  try {
    ensureTemporalBinaries({ testServer: process.argv.includes('--with-test-server') });
  } catch (error) {
    console.error(`[opsdesk] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
