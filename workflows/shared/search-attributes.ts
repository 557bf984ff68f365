import { defineSearchAttributeKey } from '@temporalio/common';

/** Typed keys of the search attributes registered in src/embedded/search-attributes.ts. */
export const SA = {
  kind: defineSearchAttributeKey('OpsCaseKind', 'KEYWORD'),
  status: defineSearchAttributeKey('OpsStatus', 'KEYWORD'),
  severity: defineSearchAttributeKey('OpsSeverity', 'KEYWORD'),
  breached: defineSearchAttributeKey('OpsBreached', 'BOOL'),
  nextRole: defineSearchAttributeKey('OpsNextRole', 'KEYWORD'),
  caseNumber: defineSearchAttributeKey('OpsCaseNumber', 'KEYWORD'),
  dueAt: defineSearchAttributeKey('OpsDueAt', 'DATETIME'),
};
