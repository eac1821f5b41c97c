/**
 * The storefront and operator console: a shell (header with the links, who is signed in, Sign out)
 * around the page the hash names. Signed out, the demo sign-in is the only page.
 */
import { h, replaceChildren } from './dom.js';
import { signInPage } from './pages/sign-in.js';
import { type Cleanup, currentPath, match } from './router.js';
import { ROUTES } from './routes.js';
import { currentSession, endSession } from './session.js';
import { readSettings } from './settings.js';

const settings = readSettings();
const root = document.getElementById('app')!;
let cleanup: Cleanup | undefined;

function header(): HTMLElement {
  const session = currentSession();
  return h(
    'header',
    {},
    h(
      'nav',
      { 'aria-label': 'Main' },
      h('a', { href: '#/' }, 'Store'),
      session && h('a', { href: '#/cart' }, 'Cart'),
      session && h('a', { href: '#/orders' }, 'My orders'),
      session?.role === 'operator' && h('a', { href: '#/console' }, 'Console'),
    ),
    session &&
      h(
        'p',
        { class: 'who' },
        `Signed in as ${session.customerId}${session.role === 'operator' ? ' (operator)' : ''} `,
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              endSession();
              render();
            },
          },
          'Sign out',
        ),
      ),
  );
}

async function render(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const view = h('main', {});
  replaceChildren(root, header(), view);
  if (!currentSession()) {
    signInPage(view, settings, () => render());
    return;
  }
  const { path } = currentPath();
  const found = match(ROUTES, path);
  if (!found) {
    replaceChildren(view, h('h1', {}, 'Not found'), h('p', {}, `Nothing lives at ${path}.`));
    return;
  }
  const left = await found.page(view, found.params);
  if (left) cleanup = left;
}

window.addEventListener('hashchange', () => void render());
void render();
