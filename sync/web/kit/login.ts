/** The login form both pages show before anything else; the password never leaves the form except to the server. */
import { ApiFailure } from './api.js';
import { h } from './dom.js';

export interface LoginOptions {
  title: string;
  userLabel: string;
  userType: 'text' | 'email';
  submit(user: string, password: string): Promise<void>;
}

export function loginForm(opts: LoginOptions): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const user = h('input', {
    id: 'login-user',
    name: 'username',
    type: opts.userType,
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, opts.title),
    h('label', { for: 'login-user' }, opts.userLabel),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    button,
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    button.disabled = true;
    error.textContent = '';
    opts
      .submit(user.value.trim(), password.value)
      .catch((err: unknown) => {
        error.textContent =
          err instanceof ApiFailure && err.status === 401 ? 'Wrong name or password.' : (err as Error).message;
        password.select();
      })
      .finally(() => (button.disabled = false));
  });
  return h('main', { class: 'login-page' }, form);
}
