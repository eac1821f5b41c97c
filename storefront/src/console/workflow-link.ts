/** The order's workflow in the Temporal Web UI; its id derives from the order id as orderWorkflowId (workflows/definitions.ts) makes it. */
import { h } from '../dom.js';
import { readSettings } from '../settings.js';

export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;

export function workflowUrl(orderId: string): string {
  const { temporalUiUrl, temporalNamespace } = readSettings();
  const base = temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(orderWorkflowId(orderId))}`;
}

export function workflowLink(orderId: string): HTMLAnchorElement {
  return h('a', { href: workflowUrl(orderId), target: '_blank', rel: 'noopener' }, 'Workflow');
}
