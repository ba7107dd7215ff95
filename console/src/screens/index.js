// Every screen of the console: its path, the roles that see it in the menu (the server
// decides what they may actually do), and its component. One line per screen.
import { SignedInHome } from './home.jsx';

export const screens = [
  { path: '/', component: SignedInHome, roles: null },
];
