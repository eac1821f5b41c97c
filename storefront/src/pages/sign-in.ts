/** The demo sign-in: type a customer id (or tick Operator) and get a token from POST /demo/token. */
import { ApiProblem, call } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { type Session, saveSession } from '../session.js';
import type { StorefrontSettings } from '../settings.js';

export function signInPage(view: HTMLElement, settings: StorefrontSettings, onSignedIn: () => void): void {
  if (!settings.demoLogin) {
    replaceChildren(
      view,
      h('h1', {}, 'Sign in'),
      h('p', {}, 'Demo sign-in is off on this server (DEMO_LOGIN is not 1).'),
    );
    return;
  }
  const customerId = h('input', {
    id: 'customer-id',
    name: 'customerId',
    required: true,
    autocomplete: 'username',
  });
  const operator = h('input', { id: 'operator', type: 'checkbox', name: 'operator' });
  const error = h('p', { role: 'alert', class: 'error' });
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          const { body } = await call<Session & { expiresAt: string }>('POST', '/demo/token', {
            customerId: customerId.value.trim(),
            operator: operator.checked,
          });
          saveSession({ token: body.token, customerId: body.customerId, role: body.role });
          onSignedIn();
        } catch (problem) {
          error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
        }
      },
    },
    h('label', { for: 'customer-id' }, 'Customer id'),
    customerId,
    h('label', { class: 'checkbox' }, operator, ' Operator'),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  replaceChildren(
    view,
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Pick any customer id: this is a local demo.'),
    form,
  );
  customerId.focus();
}
