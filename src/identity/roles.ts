/** The roles and their labels live in one table shared with the workflows: workflows/shared/roles.ts. */
export { isRole, ROLE_LABELS, ROLES, roleLabelJa, type Role } from '../../workflows/shared/roles';
