// Every screen of the console: its path, the roles that see it in the menu (the server
// decides what they may actually do), and its component. One line per screen.
import { SignedInHome } from './home.jsx';
import { UsersScreen } from './admin_users.jsx';
import { SettingsScreen } from './admin_settings.jsx';
import { InventoryScreen } from './inventory.jsx';

export const screens = [
  { path: '/', component: SignedInHome, roles: null },
  { path: '/users', component: UsersScreen, roles: ['admin'] },
  { path: '/settings', component: SettingsScreen, roles: ['admin'] },
  { path: '/settings/:tab', component: SettingsScreen, roles: ['admin'] },
  { path: '/inventory', component: InventoryScreen, roles: ['admin', 'warehouse', 'reviewer'] },
  { path: '/inventory/:tab', component: InventoryScreen, roles: ['admin', 'warehouse', 'reviewer'] },
];
