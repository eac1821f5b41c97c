/** Flags every dev server we start needs (tests, `npm start`, chaos). */
export const TEMPORAL_DEV_SERVER_ARGS = [
  '--dynamic-config-value',
  'frontend.enableUpdateWorkflowExecution=true',
  '--dynamic-config-value',
  'frontend.enableExecuteMultiOperation=true',
] as const;

export const SEARCH_ATTRIBUTE_FLAGS = [
  '--search-attribute',
  'OrderStatus=Keyword',
  '--search-attribute',
  'CustomerId=Keyword',
];
