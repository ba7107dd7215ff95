// The menu per role. It mirrors the server's permission table (src/http/permissions.c) so
// nobody is shown a screen whose every request would be refused; the server still decides.
export const menu = [
  { path: '/dashboard', label: 'nav.dashboard', roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
  { path: '/orders', label: 'nav.orders', roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
  { path: '/review', label: 'nav.review', roles: ['admin', 'reviewer'] },
  { path: '/exceptions', label: 'nav.exceptions', roles: ['admin', 'reviewer', 'customer_service'] },
  { path: '/warehouse', label: 'nav.warehouse', roles: ['admin', 'warehouse'] },
  { path: '/service', label: 'nav.service', roles: ['admin', 'customer_service'] },
  { path: '/inventory', label: 'nav.inventory', roles: ['admin', 'warehouse', 'reviewer'] },
  { path: '/settings', label: 'nav.settings', roles: ['admin'] },
  { path: '/users', label: 'nav.users', roles: ['admin'] },
];

export function menuFor(role) {
  return menu.filter((m) => m.roles.includes(role));
}
