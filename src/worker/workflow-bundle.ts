import { bundleWorkflowCode, type Logger } from '@temporalio/worker';

/**
 * How opsdesk bundles its workflow code, wherever it does (the worker, replays for auditors, the
 * CLI, the tests, the capture script, the bench): the SDK's inline source map without the
 * sources' text. Stack traces still name the file, line and column; the map is a third of the
 * size (1.5 → 0.5 MB), and every worker and replay worker decodes, parses and re-encodes it when
 * it starts, so a single replay starts sooner.
 */
export const OPSDESK_BUNDLER_OPTIONS = {
  webpackConfigHook: <T extends { devtool?: unknown }>(config: T): T => ({ ...config, devtool: 'inline-nosources-source-map' }),
};

/** The bundle of `workflowsPath` (default: opsdesk's workflows/index) as opsdesk builds it. */
export async function bundleOpsdeskWorkflows(logger?: Logger, workflowsPath = require.resolve('../../workflows')): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, ...(logger ? { logger } : {}), ...OPSDESK_BUNDLER_OPTIONS });
  return code;
}
