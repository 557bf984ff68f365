/**
 * The contracts between the layers, in one place: what the API (src/) hands a workflow, what a
 * workflow asks of its activities, and what comes back. Types only (plus the activity names), no
 * behaviour: workflows, activities and the Nest services all import from here and from nowhere
 * else for these shapes. See docs/architecture.md.
 */
export * from './activity-interfaces';
export * from './calendar';
export * from './case-record';
export * from './desk';
export * from './inventory';
export * from './mail';
export * from './operations';
export * from './workflows';
export * from './reports';
