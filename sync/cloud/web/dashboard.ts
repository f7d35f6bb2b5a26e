/**
 * The cloud dashboard, served by `codance cloud` at /dashboard: sign in with a dashboard
 * account, see each organisation's venues and boxes, open a synced session. Views are
 * addressed by the URL hash (#/, #/sessions/ID) so the browser's back button works.
 */
import '../../web/kit/base.css';
import '../../web/kit/narrow.css';
import './dashboard.css';
import { session } from '../../web/kit/api.js';
import { byId, fill, h } from '../../web/kit/dom.js';
import { loginForm } from '../../web/kit/login.js';
import { homeView } from './home-view.js';
import { sessionView } from './session-view.js';

const api = session('codance.dashboard.token');
const root = byId('app');

function showLogin(): void {
  document.title = 'Sign in · Codance dashboard';
  fill(
    root,
    loginForm({
      title: 'Codance dashboard',
      userLabel: 'Email',
      userType: 'email',
      async submit(email, password) {
        const t = await api.json<{ access_token: string }>('/api/v1/auth/login', {
          method: 'POST',
          jsonBody: { email, password },
        });
        api.setToken(t.access_token);
        void route();
      },
    }),
  );
}

async function route(): Promise<void> {
  if (!api.token()) return showLogin();
  const signOut = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => (api.setToken(null), showLogin()) },
    'Sign out',
  );
  const content = h(
    'div',
    { class: 'content', id: 'content', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'loading…'),
  );
  fill(
    root,
    h('a', { class: 'skip', href: '#content' }, 'Skip to content'),
    h('header', { class: 'bar' }, h('a', { href: '#/', class: 'brand' }, 'Codance dashboard'), signOut),
    content,
  );
  const m = /^#\/sessions\/(\d+)$/.exec(location.hash);
  try {
    if (m) {
      const view = await sessionView(api, Number(m[1]));
      fill(content, view.el);
      document.title = `${document.getElementById('session-title')?.textContent ?? 'Session'} · Codance dashboard`;
      view.mount();
    } else {
      fill(content, h('main', { id: 'main' }, await homeView(api, () => void route())));
      document.title = 'Venues · Codance dashboard';
    }
  } catch (err) {
    if (!api.token()) return;
    fill(content, h('main', { id: 'main' }, h('p', { class: 'error', role: 'alert' }, (err as Error).message)));
  }
  content.setAttribute('aria-busy', 'false');
}

api.onUnauthorized(showLogin);
window.addEventListener('hashchange', () => void route());
void route();
