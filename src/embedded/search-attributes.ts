/**
 * The custom search attributes of every opsdesk workflow, registered on the embedded dev server,
 * in docker-compose's setup job and in tests. The workflow code uses the same names.
 */
export const SEARCH_ATTRIBUTE_TYPES = {
  OpsCaseKind: 'Keyword',
  OpsStatus: 'Keyword',
  OpsSeverity: 'Keyword',
  OpsBreached: 'Bool',
  OpsNextRole: 'Keyword',
  OpsCaseNumber: 'Keyword',
  OpsDueAt: 'Datetime',
} as const;
