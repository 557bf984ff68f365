/**
 * The direction of the arrows between the layers (docs/architecture.md), checked by `npm run lint`:
 *
 *   npx depcruise src workflows activities scripts bench test ui/src --config .dependency-cruiser.cjs
 *
 * Type-only imports count: a cycle through `import type` is still a cycle for a reader.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports included). Move the shared shape to a module both sides import (for the layers: workflows/shared/contracts/).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-imports-workflow-contracts-not-workflow-files',
      severity: 'error',
      comment:
        'The API and the services (src/) know the workflows only through workflows/shared/ (contracts, messages, ids, policy). ' +
        'A workflow file pulls workflow code into the Nest app: start workflows by their typed name (WORKFLOW_TYPE) instead.',
      from: { path: '^src/' },
      to: { path: '^workflows/', pathNot: '^workflows/shared/' },
    },
    {
      name: 'src-imports-activities-only-in-the-worker',
      severity: 'error',
      comment: 'Activities are bound to the services in the worker (src/worker/) only; anything else a service needs lives in src/ or in workflows/shared/.',
      from: { path: '^src/', pathNot: '^src/worker/' },
      to: { path: '^activities/' },
    },
    {
      name: 'workflows-import-only-types-from-src-and-activities',
      severity: 'error',
      comment:
        'Workflow code runs in the deterministic sandbox: from src/ and activities/ it may take types only (and the shapes it shares belong in workflows/shared/contracts/).',
      from: { path: '^workflows/' },
      to: { path: '^(src|activities)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-do-not-import-workflow-code',
      severity: 'error',
      comment: 'Activities implement the contracts of workflows/shared/; they never import the workflows themselves.',
      from: { path: '^activities/' },
      to: { path: '^workflows/', pathNot: '^workflows/shared/' },
    },
    {
      name: 'ui-bundles-no-server-code',
      severity: 'error',
      comment:
        'The browser bundle takes shared labels and checks from workflows/shared/, never the Temporal SDK, Node or the server: ' +
        'put what the UI needs in a file of workflows/shared/ that imports nothing of the kind (as desk-audit-actions.ts does).',
      from: { path: '^ui/src/' },
      // Reachable, not only direct: the Temporal SDK came in once through a label file's neighbour.
      to: { path: '(^|/)node_modules/(@temporalio|@nestjs|@mikro-orm|pg|nodemailer)/|^(src|activities)/', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|ui/node_modules|ui/dist|data|\\.tools|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
